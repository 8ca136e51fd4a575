// Cancellation helpers: a step deadline that aborts a signal, and a race that stops waiting for a
// promise whose producer ignores its signal (so an episode never hangs on a stuck agent or user).

/** Resolves with `promise`, or rejects with the signal's reason as soon as `signal` aborts. */
export function raceAbort<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) {
    promise.catch(() => undefined); // the loser's rejection must not surface as unhandled
    return Promise.reject(signal.reason);
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

/** A signal that aborts after `timeoutMs` (if given) or when `parent` aborts; `dispose` clears the timer. */
export type Deadline = {
  readonly signal: AbortSignal;
  /** True when this deadline's own timer fired (not the parent). */
  timedOut(): boolean;
  dispose(): void;
};

/** A per-step deadline linked to an outer cancellation signal. */
export function createDeadline(options: {
  readonly timeoutMs?: number;
  readonly parent?: AbortSignal;
}): Deadline {
  const controller = new AbortController();
  let fired = false;
  const onParentAbort = () => controller.abort(options.parent?.reason);
  if (options.parent?.aborted) controller.abort(options.parent.reason);
  else options.parent?.addEventListener('abort', onParentAbort, { once: true });
  const timer =
    options.timeoutMs === undefined
      ? undefined
      : setTimeout(() => {
          fired = true;
          controller.abort(new Error(`step timed out after ${options.timeoutMs} ms`));
        }, options.timeoutMs);
  return {
    signal: controller.signal,
    timedOut: () => fired,
    dispose: () => {
      if (timer !== undefined) clearTimeout(timer);
      options.parent?.removeEventListener('abort', onParentAbort);
    },
  };
}

/** Waits `ms` milliseconds, rejecting early with the signal's reason when it aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
