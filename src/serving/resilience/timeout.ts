// A time limit around an abortable call: when it expires the call's signal aborts and the caller gets
// a retryable `policy_timeout` at once, whether or not the call notices its signal.

import { BackendError, requestAborted } from '../backends/backend-error.js';

/** Options of `withTimeout`. */
export type TimeoutOptions<T> = {
  /** Time the call may take, in milliseconds. */
  readonly timeoutMs: number;
  /** The caller's signal: its abort aborts the call and rejects with `request_aborted`. */
  readonly signal?: AbortSignal;
  /** What is being timed, for messages. Default `'the backend call'`. */
  readonly label?: string;
  /** The call; it receives a signal that aborts on timeout or when the caller aborts. */
  readonly run: (signal: AbortSignal) => Promise<T>;
};

/**
 * Runs `options.run` with a time limit. Rejects with BackendError('policy_timeout', retryable) when
 * the limit passes first, with BackendError('request_aborted') when the caller aborts first, and
 * otherwise settles as the call does.
 */
export function withTimeout<T>(options: TimeoutOptions<T>): Promise<T> {
  const { timeoutMs, signal } = options;
  const label = options.label ?? 'the backend call';
  const controller = new AbortController();
  if (signal?.aborted === true) return Promise.reject(requestAborted(label, signal));
  return new Promise<T>((resolve, reject) => {
    let settled = false;
    const settle = (action: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      action();
    };
    const fail = (error: BackendError) => {
      controller.abort(error);
      settle(() => reject(error));
    };
    const onAbort = () => fail(requestAborted(label, signal));
    const timer = setTimeout(
      () =>
        fail(
          new BackendError('policy_timeout', `${label} did not finish within ${timeoutMs} ms.`, {
            retryable: true,
          }),
        ),
      timeoutMs,
    );
    signal?.addEventListener('abort', onAbort, { once: true });
    let running: Promise<T>;
    try {
      running = options.run(controller.signal);
    } catch (error) {
      running = Promise.reject(error);
    }
    running.then(
      (value) => settle(() => resolve(value)),
      (error: unknown) => settle(() => reject(error)),
    );
  });
}
