// Metric names of the reward layer (slash-separated, one place) and the batch summary that fills them.

/** Metric names: the mean total, and each component's mean over applicable scores and skip count. */
export const REWARD_METRICS = {
  /** Mean rubric total over trajectories whose total is defined. */
  mean: 'reward/mean',
  /** Mean of one component over the trajectories it applied to (absent when it applied to none). */
  componentMean: (name: string) => `reward/${name}/mean`,
  /** How many trajectories skipped this component because it failed under `onError: 'skip'`. */
  componentSkipped: (name: string) => `reward/${name}/skipped`,
} as const;

/** What the summary needs of each evaluated trajectory. */
export type ScoredParts = {
  readonly total: number | undefined;
  readonly parts: Readonly<Record<string, number | undefined>>;
  readonly skipped: readonly string[];
};

/**
 * Batch metrics: `reward/mean` and `reward/<name>/mean` average only defined values and are left out
 * when there are none (never reported as 0); `reward/<name>/skipped` is always present.
 */
export function summariseRewards(
  names: readonly string[],
  results: readonly ScoredParts[],
): Record<string, number> {
  const metrics: Record<string, number> = {};
  const totalMean = mean(results.map((result) => result.total));
  if (totalMean !== undefined) metrics[REWARD_METRICS.mean] = totalMean;
  for (const name of names) {
    const componentMean = mean(results.map((result) => result.parts[name]));
    if (componentMean !== undefined) metrics[REWARD_METRICS.componentMean(name)] = componentMean;
    metrics[REWARD_METRICS.componentSkipped(name)] = results.filter((result) =>
      result.skipped.includes(name),
    ).length;
  }
  return metrics;
}

function mean(values: readonly (number | undefined)[]): number | undefined {
  const defined = values.filter((value): value is number => value !== undefined);
  return defined.length === 0 ? undefined : defined.reduce((sum, value) => sum + value, 0) / defined.length;
}
