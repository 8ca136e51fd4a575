import { describe, expect, it } from 'vitest';
import { BackendError } from '../backends/backend-error.js';
import { ConcurrencyLimiter } from './concurrency-limiter.js';

async function rejection(promise: Promise<unknown>): Promise<BackendError> {
  const error: unknown = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(BackendError);
  return error as BackendError;
}

describe('ConcurrencyLimiter', () => {
  it('admits up to maxConcurrent, refuses the next with overloaded, and admits again after a release', async () => {
    const limiter = new ConcurrencyLimiter({ maxConcurrent: 2, retryAfterSeconds: 3 });
    const first = await limiter.acquire();
    await limiter.acquire();
    expect(limiter.inFlight).toBe(2);
    const refused = await rejection(limiter.acquire());
    expect(refused.code).toBe('overloaded');
    expect(refused.retryAfterSeconds).toBe(3);
    expect(refused.message).toBe('The model backend is at its limit of 2 calls in flight; retry in 3 s.');
    first();
    first(); // a second release of the same slot frees nothing more
    expect(limiter.inFlight).toBe(1);
    await limiter.acquire();
    expect(limiter.inFlight).toBe(2);
    await expect(limiter.acquire()).rejects.toMatchObject({ code: 'overloaded' });
  });

  it('queues up to maxQueue callers in order and hands each a freed slot', async () => {
    const limiter = new ConcurrencyLimiter({ maxConcurrent: 1, maxQueue: 2 });
    const release = await limiter.acquire();
    const order: string[] = [];
    const second = limiter.acquire().then((slot) => (order.push('second'), slot));
    const third = limiter.acquire().then((slot) => (order.push('third'), slot));
    expect(limiter.queued).toBe(2);
    await expect(limiter.acquire()).rejects.toMatchObject({ code: 'overloaded' });
    release();
    (await second)();
    (await third)();
    expect(order).toEqual(['second', 'third']);
    expect([limiter.inFlight, limiter.queued]).toEqual([0, 0]);
  });

  it('drops a queued caller whose signal aborts, with request_aborted', async () => {
    const limiter = new ConcurrencyLimiter({ maxConcurrent: 1, maxQueue: 1 });
    const release = await limiter.acquire();
    const controller = new AbortController();
    const waiting = limiter.acquire(controller.signal);
    controller.abort(new Error('client left'));
    expect((await rejection(waiting)).code).toBe('request_aborted');
    expect(limiter.queued).toBe(0);
    release();
    expect(limiter.inFlight).toBe(0);
  });

  it('run gives the slot back whether the call succeeds or fails', async () => {
    const limiter = new ConcurrencyLimiter({ maxConcurrent: 1 });
    await expect(limiter.run(async () => 'value')).resolves.toBe('value');
    await expect(limiter.run(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(limiter.inFlight).toBe(0);
  });

  it('rejects invalid limits', () => {
    expect(() => new ConcurrencyLimiter({ maxConcurrent: 0 })).toThrow(/maxConcurrent/);
    expect(() => new ConcurrencyLimiter({ maxConcurrent: 1, maxQueue: -1 })).toThrow(/maxQueue/);
  });
});
