import { describe, expect, it } from 'vitest';
import { BackendError } from '../backends/backend-error.js';
import { withRetry, type RetryEvent } from './retry.js';

const unavailable = () => new BackendError('policy_unavailable', 'HTTP 503', { retryable: true });

/** A run that fails with `errors` in turn, then returns 'ok'; counts its attempts. */
function failing(errors: readonly unknown[]) {
  const attempts: number[] = [];
  const run = async (attempt: number) => {
    attempts.push(attempt);
    const error = errors[attempt - 1];
    if (error !== undefined) throw error;
    return 'ok';
  };
  return { run, attempts };
}

/** A sleep that records each delay and returns at once, and a fixed sequence of jitter draws. */
function recorder(draws: readonly number[]) {
  const delays: number[] = [];
  let next = 0;
  return {
    delays,
    sleep: async (ms: number) => void delays.push(ms),
    random: () => draws[next++ % draws.length],
  };
}

describe('withRetry', () => {
  it('retries retryable failures with exponential backoff and full jitter, capped', async () => {
    const { run, attempts } = failing([unavailable(), unavailable(), unavailable(), unavailable()]);
    const { delays, sleep, random } = recorder([0, 0.5, 0.25, 0.75]);
    const events: RetryEvent[] = [];
    const value = await withRetry({
      run,
      retry: { maxRetries: 4, initialDelayMs: 100, maxDelayMs: 300 },
      sleep,
      random,
      onRetry: (event) => void events.push(event),
    });
    expect(value).toBe('ok');
    expect(attempts).toEqual([1, 2, 3, 4, 5]);
    // base 100, 200, 400→300, 800→300, each scaled by 1 − u (full jitter).
    expect(delays).toEqual([100, 100, 225, 75]);
    expect(events.map((event) => [event.attempt, event.delayMs, event.retryAfter])).toEqual([
      [1, 100, false],
      [2, 100, false],
      [3, 225, false],
      [4, 75, false],
    ]);
  });

  it('gives up after maxRetries with the last error', async () => {
    const last = unavailable();
    const { run, attempts } = failing([unavailable(), unavailable(), last]);
    const { delays, sleep, random } = recorder([0.5]);
    await expect(
      withRetry({ run, retry: { maxRetries: 2, initialDelayMs: 10 }, sleep, random }),
    ).rejects.toBe(last);
    expect(attempts).toEqual([1, 2, 3]);
    expect(delays).toEqual([5, 10]);
  });

  it('does not retry a failure that is not retryable', async () => {
    const rejected = new BackendError('policy_request_rejected', 'HTTP 400');
    const { run, attempts } = failing([rejected]);
    const { delays, sleep } = recorder([0]);
    await expect(withRetry({ run, sleep })).rejects.toBe(rejected);
    await expect(withRetry({ run: () => Promise.reject(new Error('bug')), sleep })).rejects.toThrow('bug');
    expect(attempts).toEqual([1]);
    expect(delays).toEqual([]);
  });

  it('asks isRetryable when given, with the attempt number', async () => {
    const { run, attempts } = failing([new Error('flaky'), new Error('flaky')]);
    const { sleep } = recorder([0]);
    await expect(withRetry({ run, sleep, isRetryable: (_error, attempt) => attempt < 2 })).rejects.toThrow(
      'flaky',
    );
    expect(attempts).toEqual([1, 2]);
  });

  it("waits the upstream's Retry-After instead of the backoff, and gives up when it is too long", async () => {
    const limited = (ms: number) =>
      new BackendError('policy_rate_limited', 'HTTP 429', { retryable: true, retryAfterMs: ms });
    const { run } = failing([limited(1500)]);
    const { delays, sleep, random } = recorder([0.5]);
    const events: RetryEvent[] = [];
    await withRetry({ run, sleep, random, onRetry: (event) => void events.push(event) });
    expect(delays).toEqual([1500]);
    expect(events[0].retryAfter).toBe(true);

    const tooLong = limited(120_000);
    const second = failing([tooLong]);
    await expect(withRetry({ run: second.run, sleep, retry: { maxRetryAfterMs: 60_000 } })).rejects.toBe(
      tooLong,
    );
    expect(second.attempts).toEqual([1]);
  });

  it('stops with request_aborted when the signal aborts during the wait', async () => {
    const controller = new AbortController();
    const { run, attempts } = failing([unavailable(), unavailable()]);
    const pending = withRetry({
      run,
      retry: { initialDelayMs: 60_000 },
      signal: controller.signal,
      onRetry: () => controller.abort(new Error('client left')),
    });
    await expect(pending).rejects.toMatchObject({ code: 'request_aborted' });
    expect(attempts).toEqual([1]);
  });
});
