// Polls a condition that real time will make true (a Redis TTL running out), with a deadline.

const POLL_INTERVAL_MS = 10;

/** Resolves once `check` resolves true; throws `what` after `timeoutMs` (default 10 s). */
export async function eventually(
  what: string,
  check: () => boolean | PromiseLike<boolean>,
  timeoutMs = 10_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, POLL_INTERVAL_MS));
  }
}
