import { describe, expect, it } from 'vitest';
import { createRateLimiter } from './rate-limiter.js';

describe('createRateLimiter', () => {
  it('allows a burst, then one request per earned token, with the wait in Retry-After seconds', () => {
    let clock = 0;
    const limiter = createRateLimiter({ perMinute: 6, burst: 2, now: () => clock });
    expect(limiter.take('k')).toEqual({ allowed: true });
    expect(limiter.take('k')).toEqual({ allowed: true });
    expect(limiter.take('k')).toEqual({ allowed: false, retryAfterSeconds: 10 });
    clock = 4000;
    expect(limiter.take('k')).toEqual({ allowed: false, retryAfterSeconds: 6 });
    clock = 10_000;
    expect(limiter.take('k')).toEqual({ allowed: true });
    expect(limiter.take('other')).toEqual({ allowed: true });
  });

  it('never holds more than the burst however long a key idles', () => {
    let clock = 0;
    const limiter = createRateLimiter({ perMinute: 60, burst: 1, now: () => clock });
    limiter.take('k');
    clock = 3_600_000;
    expect(limiter.take('k').allowed).toBe(true);
    expect(limiter.take('k').allowed).toBe(false);
  });

  it('is off at 0 per minute', () => {
    const limiter = createRateLimiter({ perMinute: 0, burst: 1, now: () => 0 });
    for (let index = 0; index < 10; index++) expect(limiter.take('k').allowed).toBe(true);
  });
});
