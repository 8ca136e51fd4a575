// Retrying a call that failed in a way another attempt may get past: exponential backoff with full
// jitter (AWS Architecture Blog, "Exponential Backoff and Jitter", 2015), or the upstream's Retry-After.

import { setTimeout as delay } from 'node:timers/promises';
import { backoffDelayMs, resolveRetryOptions, type RetryOptions } from '../../agents/retry-backoff.js';
import { BackendError, isRetryableError, requestAborted } from '../backends/backend-error.js';

/** One retry about to happen. */
export type RetryEvent = {
  /** 1-based number of the attempt that failed. */
  readonly attempt: number;
  readonly error: unknown;
  /** The wait before the next attempt. */
  readonly delayMs: number;
  /** Whether the wait is the upstream's Retry-After rather than our backoff. */
  readonly retryAfter: boolean;
};

/** Waits `ms` milliseconds, rejecting early when `signal` aborts. */
export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

/** Options of `withRetry`. */
export type RetryRunOptions<T> = {
  /** One attempt; receives its 1-based number. */
  readonly run: (attempt: number) => Promise<T>;
  /** Retry count and timing; `jitter` defaults to 1 here (full jitter: the delay is U(0, base]). */
  readonly retry?: RetryOptions;
  /** Whether a failure may be retried. Default: a retryable BackendError. */
  readonly isRetryable?: (error: unknown, attempt: number) => boolean;
  /** Source of jitter in [0, 1). Default Math.random. */
  readonly random?: () => number;
  /** Default: a real timer. Tests pass one that records the delays. */
  readonly sleep?: Sleep;
  /** Called before each wait; awaited. */
  readonly onRetry?: (event: RetryEvent) => void | PromiseLike<void>;
  /** Aborting stops the retries (rejecting with `request_aborted`). */
  readonly signal?: AbortSignal;
};

/**
 * Runs `options.run` until it succeeds, fails in a way that is not retryable, or has been retried
 * `retry.maxRetries` times; then rejects with the last error. The wait before retry n is
 * min(maxDelayMs, initialDelayMs · 2^(n−1)) · (1 − jitter · u), or the error's `retryAfterMs` when the
 * upstream sent one (a longer one than `maxRetryAfterMs` ends the retries).
 */
export async function withRetry<T>(options: RetryRunOptions<T>): Promise<T> {
  const retry = resolveRetryOptions({ jitter: 1, ...options.retry });
  const isRetryable = options.isRetryable ?? isRetryableError;
  const sleep = options.sleep ?? defaultSleep;
  const random = options.random ?? Math.random;
  for (let attempt = 1; ; attempt++) {
    if (options.signal?.aborted === true) throw requestAborted('The retried call', options.signal);
    try {
      return await options.run(attempt);
    } catch (error) {
      if (attempt > retry.maxRetries || !isRetryable(error, attempt)) throw error;
      const asked = error instanceof BackendError ? error.retryAfterMs : undefined;
      if (asked !== undefined && asked > retry.maxRetryAfterMs) throw error;
      const delayMs = asked ?? backoffDelayMs(attempt, retry, random);
      await options.onRetry?.({ attempt, error, delayMs, retryAfter: asked !== undefined });
      await sleep(delayMs, options.signal);
    }
  }
}

async function defaultSleep(ms: number, signal?: AbortSignal): Promise<void> {
  try {
    await delay(ms, undefined, { signal });
  } catch (error) {
    if (signal?.aborted === true) throw requestAborted('The wait before a retry', signal);
    throw error;
  }
}
