import { describe, expect, it } from 'vitest';
import { backoffDelayMs, resolveRetryOptions, retryAfterMs } from './retry-backoff.js';

describe('backoffDelayMs', () => {
  const options = resolveRetryOptions({ initialDelayMs: 100, maxDelayMs: 1000, jitter: 0.5 });

  it('doubles per retry up to the cap, scaled by 1 − jitter · u', () => {
    expect([1, 2, 3, 4, 5].map((retry) => backoffDelayMs(retry, options, () => 0))).toEqual([
      100, 200, 400, 800, 1000,
    ]);
    expect(backoffDelayMs(1, options, () => 0.999999)).toBeCloseTo(50, 3);
    expect(backoffDelayMs(3, resolveRetryOptions({ initialDelayMs: 100, jitter: 0 }), () => 0.7)).toBe(400);
  });

  it('fills defaults and rejects bad options', () => {
    expect(resolveRetryOptions()).toEqual({
      maxRetries: 3,
      initialDelayMs: 500,
      maxDelayMs: 8000,
      jitter: 0.5,
      maxRetryAfterMs: 60_000,
    });
    expect(() => resolveRetryOptions({ maxRetries: 1.5 })).toThrow(/maxRetries/);
    expect(() => resolveRetryOptions({ initialDelayMs: -1 })).toThrow(/initialDelayMs/);
    expect(() => resolveRetryOptions({ jitter: -0.1 })).toThrow(
      expect.objectContaining({ code: 'invalid_argument' }),
    );
  });
});

describe('retryAfterMs', () => {
  it('reads retry-after-ms, Retry-After seconds and HTTP dates', () => {
    expect(retryAfterMs(new Headers({ 'retry-after-ms': '250.5', 'retry-after': '9' }))).toBe(250.5);
    expect(retryAfterMs(new Headers({ 'retry-after': '2' }))).toBe(2000);
    const now = Date.parse('2024-01-01T00:00:00Z');
    expect(retryAfterMs(new Headers({ 'retry-after': 'Mon, 01 Jan 2024 00:00:03 GMT' }), now)).toBe(3000);
    expect(retryAfterMs(new Headers({ 'retry-after': 'Sun, 31 Dec 2023 00:00:00 GMT' }), now)).toBe(0);
  });

  it('is undefined when absent or unreadable', () => {
    expect(retryAfterMs(undefined)).toBeUndefined();
    expect(retryAfterMs(new Headers())).toBeUndefined();
    expect(retryAfterMs(new Headers({ 'retry-after': 'soon' }))).toBeUndefined();
    expect(retryAfterMs(new Headers({ 'retry-after-ms': '-5' }))).toBeUndefined();
  });
});
