// The readiness registry behind `GET /readyz`: named checks (backend, stores, plugins) that each say
// whether the server can take traffic, and why not.

/** What one readiness check reports. */
export type ReadinessResult = { readonly ready: true } | { readonly ready: false; readonly reason: string };

/** A check; may be sync or async (awaited); a check that throws or times out counts as not ready. */
export type ReadinessCheck = () => ReadinessResult | PromiseLike<ReadinessResult>;

/** The outcome of all checks, by name. */
export type ReadinessReport = {
  readonly ready: boolean;
  readonly checks: Readonly<Record<string, ReadinessResult>>;
};

/** Named readiness checks; plugins add theirs with `add`. */
export interface ReadinessRegistry {
  /** Adds a check; throws on a name already taken. */
  add(name: string, check: ReadinessCheck): void;
  /** Runs every check at once, each limited to `timeoutMs`. */
  check(timeoutMs: number): Promise<ReadinessReport>;
}

/** An empty registry. */
export function createReadinessRegistry(): ReadinessRegistry {
  const checks = new Map<string, ReadinessCheck>();
  return {
    add(name, check) {
      if (checks.has(name)) throw new Error(`readiness check "${name}" is already registered`);
      checks.set(name, check);
    },
    async check(timeoutMs) {
      const entries = [...checks.entries()];
      const results = await Promise.all(entries.map(([, check]) => runCheck(check, timeoutMs)));
      const byName: Record<string, ReadinessResult> = {};
      entries.forEach(([name], index) => (byName[name] = results[index]));
      return { ready: results.every((result) => result.ready), checks: byName };
    },
  };
}

async function runCheck(check: ReadinessCheck, timeoutMs: number): Promise<ReadinessResult> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<ReadinessResult>((resolve) => {
    timer = setTimeout(
      () => resolve({ ready: false, reason: `no answer within ${timeoutMs} ms` }),
      timeoutMs,
    );
  });
  try {
    return await Promise.race([Promise.resolve().then(check), timeout]);
  } catch (error) {
    return { ready: false, reason: error instanceof Error ? error.message : String(error) };
  } finally {
    clearTimeout(timer);
  }
}
