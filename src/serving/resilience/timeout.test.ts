import { describe, expect, it } from 'vitest';
import { BackendError } from '../backends/backend-error.js';
import { withTimeout } from './timeout.js';

/** A call that settles only when its signal aborts, reporting the abort reason it saw. */
function untilAborted(seen: { reason?: unknown }) {
  return (signal: AbortSignal) =>
    new Promise<string>((_resolve, reject) => {
      signal.addEventListener('abort', () => {
        seen.reason = signal.reason;
        reject(new Error('inner call noticed the abort'));
      });
    });
}

async function failure(promise: Promise<unknown>): Promise<BackendError> {
  const error: unknown = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(BackendError);
  return error as BackendError;
}

describe('withTimeout', () => {
  it('passes through the value of a call that finishes in time', async () => {
    await expect(withTimeout({ timeoutMs: 1000, run: async () => 'done' })).resolves.toBe('done');
  });

  it('passes through the error of a call that fails in time', async () => {
    const thrown = new BackendError('policy_unavailable', 'down', { retryable: true });
    await expect(
      withTimeout({
        timeoutMs: 1000,
        run: () => Promise.reject(thrown),
      }),
    ).rejects.toBe(thrown);
  });

  it('rejects with a retryable policy_timeout and aborts the call when the limit passes', async () => {
    const seen: { reason?: unknown } = {};
    const started = performance.now();
    const error = await failure(withTimeout({ timeoutMs: 30, label: 'upstream', run: untilAborted(seen) }));
    expect(performance.now() - started).toBeGreaterThanOrEqual(25);
    expect(error.code).toBe('policy_timeout');
    expect(error.retryable).toBe(true);
    expect(error.message).toBe('upstream did not finish within 30 ms.');
    expect(seen.reason).toBe(error);
  });

  it('times out even a call that ignores its signal', async () => {
    const error = await failure(withTimeout({ timeoutMs: 10, run: () => new Promise<never>(() => {}) }));
    expect(error.code).toBe('policy_timeout');
  });

  it("rejects with request_aborted when the caller's signal aborts, before or during the call", async () => {
    const before = new AbortController();
    before.abort(new Error('client left'));
    let ran = false;
    const early = await failure(
      withTimeout({ timeoutMs: 1000, signal: before.signal, run: async () => void (ran = true) }),
    );
    expect(early.code).toBe('request_aborted');
    expect(early.retryable).toBe(false);
    expect(ran).toBe(false);

    const during = new AbortController();
    const seen: { reason?: unknown } = {};
    const pending = withTimeout({ timeoutMs: 10_000, signal: during.signal, run: untilAborted(seen) });
    during.abort(new Error('client left'));
    const late = await failure(pending);
    expect(late.code).toBe('request_aborted');
    expect(seen.reason).toBe(late);
  });
});
