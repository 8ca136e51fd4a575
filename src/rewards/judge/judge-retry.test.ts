import { describe, expect, it } from 'vitest';
import { backoffDelay, withRetries } from './judge-retry.js';

const policy = { maxRetries: 3, baseDelayMs: 1, maxDelayMs: 4, random: () => 0.5 };

describe('backoffDelay', () => {
  it('doubles from the base, stays in [cap/2, cap) and stops at the maximum', () => {
    const at = (attempt: number, random: number) =>
      backoffDelay(attempt, { ...policy, baseDelayMs: 100, maxDelayMs: 1000, random: () => random });
    expect([0, 1, 2, 3, 4].map((attempt) => at(attempt, 0))).toEqual([50, 100, 200, 400, 500]);
    expect(at(1, 0.999)).toBeCloseTo(199.9, 6);
  });
});

describe('withRetries', () => {
  it('retries transient errors up to maxRetries, then rethrows the last one', async () => {
    const attempts: number[] = [];
    const error = await withRetries(
      async (attempt) => {
        attempts.push(attempt);
        throw new Error(`fail ${attempt}`);
      },
      { ...policy, classify: () => ({ retry: true }) },
    ).catch((caught: unknown) => caught);
    expect(attempts).toEqual([0, 1, 2, 3]);
    expect((error as Error).message).toBe('fail 3');
  });

  it('stops at once on a permanent error and returns the first success', async () => {
    let calls = 0;
    await expect(
      withRetries(
        async () => {
          calls++;
          throw new Error('permanent');
        },
        { ...policy, classify: () => ({ retry: false }) },
      ),
    ).rejects.toThrow('permanent');
    expect(calls).toBe(1);
    const delays: number[] = [];
    const value = await withRetries(
      async (attempt) => (attempt < 2 ? Promise.reject(new Error('x')) : 'ok'),
      {
        ...policy,
        classify: () => ({ retry: true, retryAfterMs: 3 }),
        onRetry: (_error, _attempt, delay) => delays.push(delay),
      },
    );
    expect(value).toBe('ok');
    expect(delays).toEqual([3, 3]); // Retry-After wins over the shorter backoff, within maxDelayMs
  });
});
