// The outcomes of the most recent calls, for a circuit breaker's failure-rate threshold.

import { BackendError } from '../backends/backend-error.js';

/** Options of a failure window. */
export type FailureWindowOptions = {
  /** Calls remembered (the oldest is forgotten first). */
  readonly size: number;
  /** Calls the window must hold before its rate can trip. */
  readonly minimumCalls: number;
  /** Failure share in (0, 1] that trips it; absent: the window never trips. */
  readonly threshold?: number;
};

/** A ring buffer of call outcomes that says when the share of failures reaches a threshold. */
export class FailureWindow {
  private readonly outcomes: boolean[] = [];
  private failures = 0;

  constructor(private readonly options: FailureWindowOptions) {
    const { threshold } = options;
    if (threshold !== undefined && !(threshold > 0 && threshold <= 1)) {
      throw new BackendError(
        'invalid_argument',
        `circuit breaker failureRateThreshold must be in (0, 1], got ${threshold}`,
      );
    }
  }

  /** The share of failures among the calls held (0 when empty). */
  get rate(): number {
    return this.outcomes.length === 0 ? 0 : this.failures / this.outcomes.length;
  }

  /** Adds one outcome; true when the window now holds enough calls and the rate reaches the threshold. */
  record(failed: boolean): boolean {
    this.outcomes.push(failed);
    if (failed) this.failures++;
    if (this.outcomes.length > this.options.size && this.outcomes.shift() === true) this.failures--;
    const { threshold, minimumCalls } = this.options;
    return threshold !== undefined && this.outcomes.length >= minimumCalls && this.rate >= threshold;
  }

  /** Forgets every outcome. */
  clear(): void {
    this.outcomes.length = 0;
    this.failures = 0;
  }
}
