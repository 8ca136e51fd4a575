// A bound on backend calls in flight, with a small optional queue; past both it refuses at once with
// `overloaded` and a Retry-After, so a saturated server sheds load instead of queueing without bound.

import { BackendError, requestAborted } from '../backends/backend-error.js';

/** Options of a concurrency limiter. */
export type ConcurrencyLimiterOptions = {
  /** Calls in flight at once. */
  readonly maxConcurrent: number;
  /** Calls that may wait for a slot; beyond them, calls are refused. Default 0. */
  readonly maxQueue?: number;
  /** What a refused caller is told to wait (Retry-After), in seconds. Default 1. */
  readonly retryAfterSeconds?: number;
};

/** Gives a slot back; calling it again does nothing. */
export type ReleaseSlot = () => void;

type Waiter = { readonly admit: () => void };

/** Admits at most `maxConcurrent` calls at once, queues up to `maxQueue`, and refuses the rest. */
export class ConcurrencyLimiter {
  private active = 0;
  private readonly waiting: Waiter[] = [];
  private readonly maxConcurrent: number;
  private readonly maxQueue: number;
  private readonly retryAfterSeconds: number;

  constructor(options: ConcurrencyLimiterOptions) {
    this.maxConcurrent = checkCount('maxConcurrent', options.maxConcurrent, 1);
    this.maxQueue = checkCount('maxQueue', options.maxQueue ?? 0, 0);
    this.retryAfterSeconds = options.retryAfterSeconds ?? 1;
  }

  /** Calls holding a slot. */
  get inFlight(): number {
    return this.active;
  }

  /** Calls waiting for a slot. */
  get queued(): number {
    return this.waiting.length;
  }

  /**
   * A slot: at once when one is free, after waiting when the queue has room. Rejects with
   * BackendError('overloaded', retryAfterSeconds) when both are full, and with 'request_aborted'
   * when `signal` aborts while waiting.
   */
  acquire(signal?: AbortSignal): Promise<ReleaseSlot> {
    if (signal?.aborted === true) return Promise.reject(requestAborted('Waiting for a backend slot', signal));
    if (this.active < this.maxConcurrent) {
      this.active++;
      return Promise.resolve(this.releaser());
    }
    if (this.waiting.length >= this.maxQueue) {
      return Promise.reject(
        new BackendError(
          'overloaded',
          `The model backend is at its limit of ${this.maxConcurrent} calls in flight` +
            (this.maxQueue > 0 ? ` and ${this.maxQueue} waiting` : '') +
            `; retry in ${this.retryAfterSeconds} s.`,
          { retryAfterSeconds: this.retryAfterSeconds },
        ),
      );
    }
    return new Promise<ReleaseSlot>((resolve, reject) => {
      const onAbort = () => {
        const index = this.waiting.indexOf(waiter);
        if (index >= 0) this.waiting.splice(index, 1);
        reject(requestAborted('Waiting for a backend slot', signal));
      };
      // The slot passes straight from the releasing call to this one, so `active` never dips.
      const waiter: Waiter = {
        admit: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve(this.releaser());
        },
      };
      this.waiting.push(waiter);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** Runs `call` in a slot, giving the slot back when it settles. */
  async run<T>(call: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    const release = await this.acquire(signal);
    try {
      return await call();
    } finally {
      release();
    }
  }

  private releaser(): ReleaseSlot {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiting.shift();
      if (next === undefined) this.active--;
      else next.admit();
    };
  }
}

function checkCount(name: string, value: number, min: number): number {
  if (!Number.isInteger(value) || value < min) {
    throw new BackendError('invalid_argument', `${name} must be an integer >= ${min}, got ${value}`);
  }
  return value;
}
