// A circuit breaker (Nygard, "Release It!", 2007): after repeated failures it stops calling a sick
// backend for a while, then lets a few trial calls through to find out whether it has recovered.

import { BackendError } from '../backends/backend-error.js';
import { FailureWindow } from './failure-window.js';

/** closed: calls pass; open: calls are refused; half_open: a few trial calls pass. */
export type BreakerState = 'closed' | 'half_open' | 'open';

/** A change of state, for metrics and logs. */
export type BreakerStateChange = { readonly state: BreakerState; readonly previous: BreakerState };

/** Options of a circuit breaker; every field has a default. */
export type CircuitBreakerOptions = {
  /** Consecutive failures that open a closed breaker. Default 5. */
  readonly failureThreshold?: number;
  /** Share of failures among the last `windowSize` calls that opens it, in (0, 1]; absent: off. */
  readonly failureRateThreshold?: number;
  /** Calls the failure rate is measured over. Default 20. */
  readonly windowSize?: number;
  /** Calls the window must hold before the rate counts. Default 10. */
  readonly minimumCalls?: number;
  /** Time an open breaker waits before going half-open, in ms. Default 30 000. */
  readonly resetTimeoutMs?: number;
  /** Trial calls admitted at once while half-open; this many successes close the breaker. Default 1. */
  readonly halfOpenMaxCalls?: number;
  /** Clock in ms. Default `performance.now`. */
  readonly now?: () => number;
  /** Called on every change of state (synchronously, as it happens). */
  readonly onStateChange?: (change: BreakerStateChange) => void;
};

/** Leave to make one call; report its outcome exactly once through the breaker. */
export type BreakerPermit = {
  /** Whether the call is a half-open trial. */
  readonly trial: boolean;
  /** The state period it was granted in; outcomes from an earlier period are ignored. */
  readonly period: number;
};

/** What `acquire` gives: a permit, or how long until the breaker may admit calls again. */
export type BreakerAdmission =
  | { readonly ok: true; readonly permit: BreakerPermit }
  | { readonly ok: false; readonly retryAfterMs: number };

/**
 * Tracks the outcomes of calls to one backend. Closed → open after `failureThreshold` consecutive
 * failures or a failure rate at or above `failureRateThreshold`; open → half-open once
 * `resetTimeoutMs` has passed (checked when the state is next read); half-open → closed after
 * `halfOpenMaxCalls` trial successes, → open again on any trial failure.
 */
export class CircuitBreaker {
  private current: BreakerState = 'closed';
  private period = 0;
  private openedAt = 0;
  private consecutiveFailures = 0;
  private trialsInFlight = 0;
  private trialSuccesses = 0;
  private readonly window: FailureWindow;
  private readonly failureThreshold: number;
  private readonly resetTimeoutMs: number;
  private readonly halfOpenMaxCalls: number;
  private readonly now: () => number;

  constructor(private readonly options: CircuitBreakerOptions = {}) {
    this.failureThreshold = positiveInteger('failureThreshold', options.failureThreshold ?? 5);
    this.resetTimeoutMs = nonNegative('resetTimeoutMs', options.resetTimeoutMs ?? 30_000);
    this.halfOpenMaxCalls = positiveInteger('halfOpenMaxCalls', options.halfOpenMaxCalls ?? 1);
    this.window = new FailureWindow({
      size: positiveInteger('windowSize', options.windowSize ?? 20),
      minimumCalls: positiveInteger('minimumCalls', options.minimumCalls ?? 10),
      threshold: options.failureRateThreshold,
    });
    this.now = options.now ?? (() => performance.now());
  }

  /** The state now; an open breaker whose reset time has passed turns half-open here. */
  get state(): BreakerState {
    if (this.current === 'open' && this.now() - this.openedAt >= this.resetTimeoutMs) {
      this.moveTo('half_open');
    }
    return this.current;
  }

  /** A permit to call, or when to ask again (while open, or half-open with every trial slot taken). */
  acquire(): BreakerAdmission {
    const state = this.state;
    if (state === 'closed') return { ok: true, permit: { trial: false, period: this.period } };
    if (state === 'half_open' && this.trialsInFlight < this.halfOpenMaxCalls) {
      this.trialsInFlight++;
      return { ok: true, permit: { trial: true, period: this.period } };
    }
    const retryAfterMs =
      state === 'open' ? this.openedAt + this.resetTimeoutMs - this.now() : this.resetTimeoutMs;
    return { ok: false, retryAfterMs: Math.max(0, retryAfterMs) };
  }

  /** Records that the permitted call succeeded. */
  success(permit: BreakerPermit): void {
    if (!this.settle(permit)) return;
    if (this.current === 'closed') {
      this.consecutiveFailures = 0;
      this.window.record(false);
    } else if (++this.trialSuccesses >= this.halfOpenMaxCalls) this.moveTo('closed');
  }

  /** Records that the permitted call failed in a way that counts against the backend. */
  failure(permit: BreakerPermit): void {
    if (!this.settle(permit)) return;
    if (this.current === 'half_open') {
      this.moveTo('open');
      return;
    }
    this.consecutiveFailures++;
    const rateTripped = this.window.record(true);
    if (this.consecutiveFailures >= this.failureThreshold || rateTripped) this.moveTo('open');
  }

  /** Gives the permit back without an outcome (the caller went away, or the failure was the caller's). */
  release(permit: BreakerPermit): void {
    this.settle(permit);
  }

  /** Frees the permit's trial slot; false when the permit is from an earlier period (ignore it). */
  private settle(permit: BreakerPermit): boolean {
    if (permit.period !== this.period) return false;
    if (permit.trial) this.trialsInFlight--;
    return true;
  }

  private moveTo(state: BreakerState): void {
    const previous = this.current;
    this.current = state;
    this.period++;
    this.consecutiveFailures = 0;
    this.trialsInFlight = 0;
    this.trialSuccesses = 0;
    this.window.clear();
    if (state === 'open') this.openedAt = this.now();
    this.options.onStateChange?.({ state, previous });
  }
}

/** The error a call refused by an open breaker fails with (when no fallback is configured). */
export function circuitOpenError(retryAfterMs: number): BackendError {
  const retryAfterSeconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
  return new BackendError(
    'circuit_open',
    `The model backend kept failing; calls resume in about ${retryAfterSeconds} s.`,
    { retryAfterSeconds },
  );
}

function positiveInteger(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) {
    throw new BackendError(
      'invalid_argument',
      `circuit breaker ${name} must be a positive integer, got ${value}`,
    );
  }
  return value;
}

function nonNegative(name: string, value: number): number {
  if (!(value >= 0)) {
    throw new BackendError('invalid_argument', `circuit breaker ${name} must be >= 0, got ${value}`);
  }
  return value;
}
