// What a running server exports on GET /metrics: the series names a query may use (a histogram
// `h` gives h_bucket, h_sum and h_count) and the labels each carries once Prometheus scraped it.

import type { Registry } from 'prom-client';

/** Labels Prometheus attaches to every scraped series (the scrape target's). */
export const TARGET_LABELS = ['job', 'instance'] as const;

/** Series Prometheus makes itself for each target, with the target labels only. */
export const PROMETHEUS_SERIES = ['up'] as const;

/** One exported metric family. */
export type ExportedMetric = {
  readonly family: string;
  readonly type: string;
  /** Labels of the family as Prometheus stores them (a clash with a target label gets `exported_`). */
  readonly labels: ReadonlySet<string>;
};

/** Exported series names, each mapped to its family. */
export type ExportedMetrics = ReadonlyMap<string, ExportedMetric>;

/**
 * Reads the Prometheus text of `/metrics` (families from `# TYPE` lines, labels from the samples)
 * and adds each family's declared label names from `registry`, so that families without samples
 * yet are known with their labels too.
 */
export function readExportedMetrics(text: string, registry: Registry): ExportedMetrics {
  const families = new Map<string, { type: string; labels: Set<string> }>();
  for (const match of text.matchAll(/^# TYPE (\S+) (\S+)$/gm)) {
    families.set(match[1], { type: match[2], labels: new Set(declaredLabels(registry, match[1])) });
  }
  const series = new Map<string, ExportedMetric>();
  for (const [family, { type, labels }] of families) {
    const sample = new RegExp(`^${family}(?:_bucket|_sum|_count)?\\{(.*)\\}\\s`);
    for (const line of text.split('\n')) {
      const body = sample.exec(line)?.[1] ?? '';
      for (const label of body.matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="/g)) {
        if (label[1] !== 'le' && label[1] !== 'quantile') labels.add(label[1]);
      }
    }
    const stored = new Set(
      [...labels].map((label) =>
        (TARGET_LABELS as readonly string[]).includes(label) ? `exported_${label}` : label,
      ),
    );
    for (const label of TARGET_LABELS) stored.add(label);
    const metric = { family, type, labels: stored };
    const names =
      type === 'histogram'
        ? [`${family}_bucket`, `${family}_sum`, `${family}_count`]
        : type === 'summary'
          ? [family, `${family}_sum`, `${family}_count`]
          : [family];
    for (const name of names) series.set(name, metric);
  }
  for (const name of PROMETHEUS_SERIES) {
    series.set(name, { family: name, type: 'gauge', labels: new Set(TARGET_LABELS) });
  }
  return series;
}

/** Labels a query may use on series `name`: the family's, plus `le` on buckets and `quantile` on summaries. */
export function labelsOf(metrics: ExportedMetrics, name: string): ReadonlySet<string> {
  const metric = metrics.get(name);
  if (metric === undefined) return new Set();
  const extra = name.endsWith('_bucket')
    ? ['le']
    : metric.type === 'summary' && name === metric.family
      ? ['quantile']
      : [];
  return new Set([...metric.labels, ...extra]);
}

function declaredLabels(registry: Registry, family: string): readonly string[] {
  // prom-client keeps a metric's configured labelNames on the object; its types do not declare it.
  const metric = registry.getSingleMetric(family) as unknown as
    { labelNames?: readonly string[] } | undefined;
  return metric?.labelNames ?? [];
}
