// Retry timing for remote policies: exponential backoff with jitter (capped), and the server's own
// Retry-After / retry-after-ms headers, which take precedence (RFC 9110 §10.2.3).

import { AgentError } from './agent-error.js';

/** How a remote call retries; every field has a default. */
export type RetryOptions = {
  /** Retries after the first attempt; 0 disables retrying. Default 3. */
  readonly maxRetries?: number;
  /** Delay before the first retry, before jitter. Default 500 ms. */
  readonly initialDelayMs?: number;
  /** Cap of the exponential delay. Default 8000 ms. */
  readonly maxDelayMs?: number;
  /** Fraction of the delay drawn at random: the delay is scaled by U[1 − jitter, 1]. Default 0.5. */
  readonly jitter?: number;
  /** A Retry-After longer than this is not waited for: the call fails instead. Default 60 000 ms. */
  readonly maxRetryAfterMs?: number;
};

/** Retry options with every default filled in. */
export type ResolvedRetryOptions = Required<RetryOptions>;

/** Fills in defaults and checks ranges; throws AgentError('invalid_argument') naming the bad field. */
export function resolveRetryOptions(options: RetryOptions = {}): ResolvedRetryOptions {
  const resolved = {
    maxRetries: options.maxRetries ?? 3,
    initialDelayMs: options.initialDelayMs ?? 500,
    maxDelayMs: options.maxDelayMs ?? 8000,
    jitter: options.jitter ?? 0.5,
    maxRetryAfterMs: options.maxRetryAfterMs ?? 60_000,
  };
  if (!Number.isInteger(resolved.maxRetries) || resolved.maxRetries < 0) {
    throw new AgentError(
      'invalid_argument',
      `retry.maxRetries must be a non-negative integer, got ${resolved.maxRetries}`,
    );
  }
  for (const field of ['initialDelayMs', 'maxDelayMs', 'maxRetryAfterMs'] as const) {
    if (!(resolved[field] >= 0))
      throw new AgentError('invalid_argument', `retry.${field} must be >= 0, got ${resolved[field]}`);
  }
  if (!(resolved.jitter >= 0 && resolved.jitter <= 1)) {
    throw new AgentError('invalid_argument', `retry.jitter must be in [0, 1], got ${resolved.jitter}`);
  }
  return resolved;
}

/**
 * Delay before retry number `retry` (1-based): min(maxDelayMs, initialDelayMs · 2^(retry − 1)) scaled
 * by 1 − jitter · u for u = `random()` in [0, 1) ("equal jitter" for jitter 0.5).
 */
export function backoffDelayMs(retry: number, options: ResolvedRetryOptions, random: () => number): number {
  const base = Math.min(options.maxDelayMs, options.initialDelayMs * 2 ** (retry - 1));
  return base * (1 - options.jitter * random());
}

/**
 * The wait a response asks for: `retry-after-ms` (milliseconds, as OpenAI sends), else `Retry-After`
 * as seconds or an HTTP date. Undefined when absent or unreadable.
 */
export function retryAfterMs(headers: Headers | undefined, now: number = Date.now()): number | undefined {
  const milliseconds = Number.parseFloat(headers?.get('retry-after-ms') ?? '');
  if (Number.isFinite(milliseconds) && milliseconds >= 0) return milliseconds;
  const value = headers?.get('retry-after')?.trim();
  if (value === undefined || value.length === 0) return undefined;
  if (/^\d+(\.\d+)?$/.test(value)) return Number.parseFloat(value) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
