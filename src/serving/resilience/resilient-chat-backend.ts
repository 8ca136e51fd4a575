// A ChatBackend that wraps another in the resilience patterns, outermost first: a concurrency limit,
// a circuit breaker, retries with backoff, and a time limit on each attempt; with a fallback reply
// (graceful degradation) while the breaker is open or when a call finally fails.

import type { RetryOptions } from '../../agents/retry-backoff.js';
import type { BackendReadiness, ChatBackend, Completion, CompletionRequest } from '../chat-backend.js';
import { BackendError, isBackendFault, isRetryableError } from '../backends/backend-error.js';
import {
  CircuitBreaker,
  circuitOpenError,
  type BreakerState,
  type BreakerStateChange,
  type CircuitBreakerOptions,
} from './circuit-breaker.js';
import { ConcurrencyLimiter, type ConcurrencyLimiterOptions } from './concurrency-limiter.js';
import { fallbackCompletion } from './fallback-completion.js';
import { withRetry, type RetryEvent, type Sleep } from './retry.js';
import { withTimeout } from './timeout.js';

/** How one call ended, for the latency metric. */
export type CallOutcome = 'success' | 'fallback' | 'error' | 'rejected';

/** Callbacks for metrics and logs; the server wires them to its Prometheus metrics. */
export type ResilienceHooks = {
  /** Before each retry's wait; awaited. */
  readonly onRetry?: (event: RetryEvent) => void | PromiseLike<void>;
  /** On every breaker change of state, synchronously. */
  readonly onStateChange?: (change: BreakerStateChange) => void;
  /** When the fallback reply is served instead of the model's; awaited. */
  readonly onFallback?: (event: {
    readonly reason: 'circuit_open' | 'failure';
    readonly error: unknown;
  }) => void | PromiseLike<void>;
  /** When the concurrency limit refuses a call; awaited. */
  readonly onRejected?: (event: { readonly retryAfterSeconds: number }) => void | PromiseLike<void>;
  /** After every call, with its duration (retries and waits included); awaited. */
  readonly onLatency?: (event: {
    readonly seconds: number;
    readonly outcome: CallOutcome;
  }) => void | PromiseLike<void>;
};

/** Options of a resilient chat backend; every field but `backend` has a default. */
export type ResilientChatBackendOptions = {
  readonly backend: ChatBackend;
  /** Time limit of each attempt, in ms. Default 60 000. */
  readonly attemptTimeoutMs?: number;
  /** Time limit of the whole call, retries and waits included, in ms; absent: none beyond the attempts'. */
  readonly totalTimeoutMs?: number;
  /** Retries of retryable failures. Default: 2 retries, 200 ms doubling to at most 2 000 ms, full jitter. */
  readonly retry?: RetryOptions;
  /** Thresholds of the breaker (its clock is `now`, its callback `hooks.onStateChange`). */
  readonly breaker?: Omit<CircuitBreakerOptions, 'now' | 'onStateChange'>;
  /** Calls in flight and queued. Default 8 in flight, no queue, Retry-After 1 s. */
  readonly concurrency?: Partial<ConcurrencyLimiterOptions>;
  /** The reply served while the breaker is open; absent or empty: calls fail with `circuit_open` instead. */
  readonly fallbackMessage?: string;
  /** Also serve the fallback when a call finally fails with a retryable error. Default true. */
  readonly fallbackOnFailure?: boolean;
  readonly hooks?: ResilienceHooks;
  /** Clock in ms for the breaker and latencies. Default `performance.now`. */
  readonly now?: () => number;
  /** Jitter source in [0, 1). Default Math.random. */
  readonly random?: () => number;
  /** The wait between retries. Default a real timer. */
  readonly sleep?: Sleep;
};

/**
 * Limiter → breaker → retry(timeout(call)). The limiter refuses with `overloaded` (never the
 * fallback: a 503 with Retry-After is what a load balancer needs). A breaker that refuses serves the
 * fallback, or fails with `circuit_open`. Only the backend's faults count against the breaker; a
 * streaming call is not retried once a delta has reached the caller, nor does it fall back then.
 */
export class ResilientChatBackend implements ChatBackend {
  readonly modelId: string;
  private readonly backend: ChatBackend;
  private readonly breaker: CircuitBreaker;
  private readonly limiter: ConcurrencyLimiter;
  private readonly now: () => number;

  constructor(private readonly options: ResilientChatBackendOptions) {
    this.backend = options.backend;
    this.modelId = options.backend.modelId;
    this.now = options.now ?? (() => performance.now());
    this.breaker = new CircuitBreaker({
      ...options.breaker,
      now: this.now,
      onStateChange: options.hooks?.onStateChange,
    });
    this.limiter = new ConcurrencyLimiter({ maxConcurrent: 8, ...options.concurrency });
  }

  /** The breaker's state now. */
  get breakerState(): BreakerState {
    return this.breaker.state;
  }

  /** Calls holding a concurrency slot. */
  get inFlight(): number {
    return this.limiter.inFlight;
  }

  readiness(): BackendReadiness {
    return this.backend.readiness();
  }

  async complete(request: CompletionRequest): Promise<Completion> {
    const started = this.now();
    let outcome: CallOutcome = 'error';
    try {
      const completion = await this.limitedCall(request);
      outcome = completion.degraded === true ? 'fallback' : 'success';
      return completion;
    } catch (error) {
      if (error instanceof BackendError && error.code === 'overloaded') outcome = 'rejected';
      throw error;
    } finally {
      await this.options.hooks?.onLatency?.({ seconds: (this.now() - started) / 1000, outcome });
    }
  }

  close(): Promise<void> {
    return this.backend.close();
  }

  private async limitedCall(request: CompletionRequest): Promise<Completion> {
    let release: () => void;
    try {
      release = await this.limiter.acquire(request.signal);
    } catch (error) {
      if (error instanceof BackendError && error.code === 'overloaded')
        await this.options.hooks?.onRejected?.({ retryAfterSeconds: error.retryAfterSeconds ?? 1 });
      throw error;
    }
    try {
      return await this.guardedCall(request);
    } finally {
      release();
    }
  }

  private async guardedCall(request: CompletionRequest): Promise<Completion> {
    const admission = this.breaker.acquire();
    if (!admission.ok)
      return this.fallback(request, 'circuit_open', circuitOpenError(admission.retryAfterMs));
    const { permit } = admission;
    const delivered = { any: false };
    try {
      const completion = await this.retriedCall(request, delivered);
      this.breaker.success(permit);
      return completion;
    } catch (error) {
      if (isBackendFault(error)) this.breaker.failure(permit);
      else this.breaker.release(permit);
      if ((this.options.fallbackOnFailure ?? true) && isRetryableError(error) && !delivered.any)
        return this.fallback(request, 'failure', error);
      throw error;
    }
  }

  private retriedCall(request: CompletionRequest, delivered: { any: boolean }): Promise<Completion> {
    const { options } = this;
    const attempts = (signal: AbortSignal | undefined) =>
      withRetry({
        run: () => this.attempt(request, signal, delivered),
        retry: { maxRetries: 2, initialDelayMs: 200, maxDelayMs: 2000, ...options.retry },
        isRetryable: (error) => !delivered.any && isRetryableError(error),
        random: options.random,
        sleep: options.sleep,
        onRetry: options.hooks?.onRetry,
        signal,
      });
    const total = options.totalTimeoutMs;
    return total === undefined
      ? attempts(request.signal)
      : withTimeout({
          timeoutMs: total,
          signal: request.signal,
          label: 'the backend call with its retries',
          run: attempts,
        });
  }

  /**
   * One attempt under the time limit. Its deltas reach the caller only while it is the current
   * attempt: once it has failed or timed out, whatever it still emits is dropped.
   */
  private async attempt(
    request: CompletionRequest,
    signal: AbortSignal | undefined,
    delivered: { any: boolean },
  ): Promise<Completion> {
    const { onDelta } = request;
    let current = true;
    try {
      return await withTimeout({
        timeoutMs: this.options.attemptTimeoutMs ?? 60_000,
        signal,
        run: (attemptSignal) =>
          this.backend.complete({
            ...request,
            signal: attemptSignal,
            onDelta:
              onDelta === undefined
                ? undefined
                : async (delta) => {
                    if (!current) return;
                    delivered.any = true;
                    await onDelta(delta);
                  },
          }),
      });
    } finally {
      current = false;
    }
  }

  private async fallback(
    request: CompletionRequest,
    reason: 'circuit_open' | 'failure',
    error: unknown,
  ): Promise<Completion> {
    const message = this.options.fallbackMessage ?? '';
    if (message === '') throw error;
    await this.options.hooks?.onFallback?.({ reason, error });
    return fallbackCompletion(request, message);
  }
}
