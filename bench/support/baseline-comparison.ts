// Compares a fresh benchmark run's metrics with the committed baseline under the tolerance rules, metric
// by metric; `bench:check` fails when any verdict is not ok.

import { describeTolerance, ruleFor, TOLERANCE_RULES, type ToleranceRule } from './tolerances.js';

/** Metric names to values; null where a benchmark could not compute one (JSON has no NaN). */
export type MetricValues = Readonly<Record<string, number | null>>;

/** The outcome for one metric. */
export type Verdict = {
  readonly metric: string;
  readonly baseline: number | null | undefined;
  readonly current: number | null | undefined;
  /** The tolerance in words, or why none applies. */
  readonly allowed: string;
  readonly ok: boolean;
  /** Why it failed, or a note (a metric new since the baseline). */
  readonly note?: string;
};

/** Options of `compareWithBaseline`. */
export type CompareOptions = {
  readonly baseline: MetricValues;
  readonly current: MetricValues;
  /** Default `TOLERANCE_RULES`. */
  readonly rules?: readonly ToleranceRule[];
};

/**
 * One verdict per metric in either run, sorted by name. Fails a metric that the fresh run lacks or
 * could not compute, one no rule covers, and one outside its tolerance; a metric new since the
 * baseline passes with a note unless it breaks an absolute limit.
 */
export function compareWithBaseline(options: CompareOptions): Verdict[] {
  const rules = options.rules ?? TOLERANCE_RULES;
  const names = [...new Set([...Object.keys(options.baseline), ...Object.keys(options.current)])].sort();
  return names.map((metric) => judge(metric, options.baseline[metric], options.current[metric], rules));
}

function judge(
  metric: string,
  baseline: number | null | undefined,
  current: number | null | undefined,
  rules: readonly ToleranceRule[],
): Verdict {
  const rule = ruleFor(metric, rules);
  const base = {
    metric,
    baseline,
    current,
    allowed: rule === undefined ? 'no rule' : describeTolerance(rule.tolerance),
  };
  if (rule === undefined) return { ...base, ok: false, note: 'no tolerance rule covers this metric' };
  if (current === undefined) return { ...base, ok: false, note: 'missing from the fresh run' };
  if (current === null || !Number.isFinite(current))
    return { ...base, ok: false, note: 'the fresh run could not compute it' };
  const { tolerance } = rule;
  if (tolerance.kind === 'at_most') {
    return current <= tolerance.limit
      ? { ...base, ok: true }
      : { ...base, ok: false, note: `above ${tolerance.limit}` };
  }
  if (baseline === undefined || baseline === null || !Number.isFinite(baseline)) {
    return { ...base, ok: true, note: 'not in the baseline' };
  }
  const ratio = baseline === 0 ? (current === 0 ? 1 : Number.POSITIVE_INFINITY) : current / baseline;
  const shown = `${Number.isFinite(ratio) ? ratio.toFixed(2) : '∞'}× baseline`;
  if (tolerance.kind === 'within') {
    const ok = ratio <= tolerance.factor && ratio >= 1 / tolerance.factor;
    return ok ? { ...base, ok } : { ...base, ok, note: `${shown}: the setup changed` };
  }
  const ok = tolerance.better === 'lower' ? ratio <= tolerance.factor : ratio >= 1 / tolerance.factor;
  return ok ? { ...base, ok } : { ...base, ok, note: `${shown}: regression` };
}
