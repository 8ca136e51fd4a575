// Retries for calls to a remote API: exponential backoff with "equal jitter" (half the delay fixed,
// half random; AWS Architecture Blog, "Exponential Backoff and Jitter", 2015), capped, honouring a
// server's Retry-After when it asks for longer.

/** How long and how often to retry. */
export type RetryPolicy = {
  /** Retries after the first attempt. */
  readonly maxRetries: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  /** Uniform draws in [0, 1) for the jitter. */
  readonly random: () => number;
};

/** What a failed attempt means for the next one. */
export type RetryDecision = { readonly retry: boolean; readonly retryAfterMs?: number };

/** Options of `withRetries`. */
export type WithRetriesOptions = RetryPolicy & {
  /** Whether the error is transient (429, 5xx, timeout), and any delay the server asked for. */
  readonly classify: (error: unknown) => RetryDecision;
  /** Called before each wait, for logging. */
  readonly onRetry?: (error: unknown, attempt: number, delayMs: number) => void;
};

/** Delay before retry `attempt` (0-based): cap = min(max, base·2^attempt), delay in [cap/2, cap). */
export function backoffDelay(attempt: number, policy: RetryPolicy): number {
  const cap = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt);
  return cap / 2 + (policy.random() * cap) / 2;
}

/**
 * Runs `operation` until it resolves, a non-transient error occurs, or `maxRetries` retries have
 * failed; then rejects with the last error as it was thrown.
 */
export async function withRetries<T>(
  operation: (attempt: number) => Promise<T>,
  options: WithRetriesOptions,
): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await operation(attempt);
    } catch (error) {
      const decision = options.classify(error);
      if (!decision.retry || attempt >= options.maxRetries) throw error;
      const backoff = backoffDelay(attempt, options);
      const delay = Math.min(options.maxDelayMs, Math.max(backoff, decision.retryAfterMs ?? 0));
      options.onRetry?.(error, attempt, delay);
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}
