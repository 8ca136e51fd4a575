import { describe, expect, it } from 'vitest';
import { createDeadline, raceAbort, sleep } from './abortable.js';

describe('cancellation helpers', () => {
  it('raceAbort resolves with the promise, or rejects with the reason when the signal aborts first', async () => {
    const open = new AbortController();
    expect(await raceAbort(Promise.resolve(3), open.signal)).toBe(3);
    await expect(raceAbort(Promise.reject(new Error('inner')), open.signal)).rejects.toThrow('inner');
    const aborted = new AbortController();
    aborted.abort(new Error('gone'));
    await expect(raceAbort(Promise.reject(new Error('ignored')), aborted.signal)).rejects.toThrow('gone');
    const later = new AbortController();
    const pending = raceAbort(new Promise(() => undefined), later.signal);
    later.abort(new Error('later'));
    await expect(pending).rejects.toThrow('later');
  });

  it('a deadline fires on its timer, or follows its parent without counting as a timeout', async () => {
    const timed = createDeadline({ timeoutMs: 5 });
    await expect(sleep(10_000, timed.signal)).rejects.toThrow('step timed out after 5 ms');
    expect(timed.timedOut()).toBe(true);
    timed.dispose();

    const parent = new AbortController();
    const linked = createDeadline({ timeoutMs: 10_000, parent: parent.signal });
    parent.abort(new Error('parent'));
    expect(linked.signal.aborted).toBe(true);
    expect(linked.timedOut()).toBe(false);
    linked.dispose();

    const already = createDeadline({ parent: AbortSignal.abort(new Error('early')) });
    expect(already.signal.aborted).toBe(true);
    already.dispose();
  });

  it('sleep waits, and rejects at once for an aborted signal', async () => {
    await expect(sleep(1)).resolves.toBeUndefined();
    await expect(sleep(1, AbortSignal.abort(new Error('no')))).rejects.toThrow('no');
  });
});
