// How far each benchmark metric may move from the committed baseline before `bench:check` calls it a
// regression. Generous on purpose: the machines are shared and noisy. Ratios and byte counts barely
// depend on the machine, so they are held tight; absolute times and rates only to within 3×.

/** The rule a metric is held to. */
export type Tolerance =
  /** Must not exceed `limit`, whatever the baseline says (error counts: 0). */
  | { readonly kind: 'at_most'; readonly limit: number }
  /** May be at most `factor` times worse than the baseline in the direction that matters. */
  | { readonly kind: 'factor'; readonly better: 'lower' | 'higher'; readonly factor: number }
  /** Must stay within `factor` of the baseline either way (a property of the setup, not a speed). */
  | { readonly kind: 'within'; readonly factor: number };

/** A tolerance for the metrics whose names match `pattern`, and why it is that wide. */
export type ToleranceRule = { readonly pattern: RegExp; readonly tolerance: Tolerance; readonly why: string };

const slower = (factor: number): Tolerance => ({ kind: 'factor', better: 'lower', factor });
const fewer = (factor: number): Tolerance => ({ kind: 'factor', better: 'higher', factor });
/** Absolute times and rates on a shared machine: the load average alone moves them 2×. */
const NOISY = 3;

/** The rules, first match wins; a metric no rule matches fails the check (every metric needs one). */
export const TOLERANCE_RULES: readonly ToleranceRule[] = [
  { pattern: /(^|\/)errors$/, tolerance: { kind: 'at_most', limit: 0 }, why: 'every request must succeed' },
  {
    pattern: /^overhead\/(latency|throughput)_ratio/,
    tolerance: slower(1.5),
    why: 'a ratio of two servers measured side by side: the machine cancels out',
  },
  {
    pattern: /^memory\/.*bytes/,
    tolerance: slower(1.25),
    why: 'bytes per conversation do not depend on machine speed',
  },
  {
    pattern: /server_rss/,
    tolerance: slower(1.5),
    why: 'resident memory varies with allocator timing',
  },
  {
    pattern: /^http\/tokens_per_reply$/,
    tolerance: { kind: 'within', factor: 1.25 },
    why: 'the same checkpoint and prompt: a change means the benchmark changed',
  },
  { pattern: /(_ms|_seconds)$/, tolerance: slower(NOISY), why: 'absolute time on a shared machine' },
  {
    pattern: /(_per_s|_per_second|_gflops)$/,
    tolerance: fewer(NOISY),
    why: 'absolute rate on a shared machine',
  },
];

/** The first rule matching `metric`, or undefined. */
export function ruleFor(
  metric: string,
  rules: readonly ToleranceRule[] = TOLERANCE_RULES,
): ToleranceRule | undefined {
  return rules.find((rule) => rule.pattern.test(metric));
}

/** The tolerance in words, e.g. "≤ 3× baseline" or "= 0". */
export function describeTolerance(tolerance: Tolerance): string {
  if (tolerance.kind === 'at_most') return tolerance.limit === 0 ? '= 0' : `≤ ${tolerance.limit}`;
  if (tolerance.kind === 'within') return `within ${tolerance.factor}× of baseline`;
  return tolerance.better === 'lower'
    ? `≤ ${tolerance.factor}× baseline`
    : `≥ baseline / ${tolerance.factor}`;
}
