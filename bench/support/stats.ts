// Summary statistics of measured samples: percentiles by linear interpolation between closest ranks
// (NumPy's default, "type 7" of Hyndman and Fan 1996), means and rounding for reports.

/** The q-quantile (q in [0, 1]) of `values`, interpolating linearly between the closest ranks. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) throw new Error('quantile of no values');
  if (!(q >= 0 && q <= 1)) throw new Error(`quantile q must lie in [0, 1], got ${q}`);
  const sorted = [...values].sort((a, b) => a - b);
  const position = q * (sorted.length - 1);
  const below = Math.floor(position);
  const above = Math.min(below + 1, sorted.length - 1);
  return sorted[below] + (position - below) * (sorted[above] - sorted[below]);
}

/** The arithmetic mean; throws on no values. */
export function mean(values: readonly number[]): number {
  if (values.length === 0) throw new Error('mean of no values');
  return values.reduce((sum, value) => sum + value, 0) / values.length;
}

/** `value` rounded to `digits` decimal places. */
export function round(value: number, digits: number): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

/** p50, p95 and p99 of latencies in ms, and their count, rounded to 0.01 ms. */
export function latencySummary(latenciesMs: readonly number[]): {
  readonly count: number;
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  readonly mean: number;
} {
  return {
    count: latenciesMs.length,
    p50: round(quantile(latenciesMs, 0.5), 2),
    p95: round(quantile(latenciesMs, 0.95), 2),
    p99: round(quantile(latenciesMs, 0.99), 2),
    mean: round(mean(latenciesMs), 2),
  };
}
