// The report's before/after evaluation table. Rule: "before" is `eval-before.json` in the run
// directory when it exists, else the first metrics.jsonl line with `eval/…` metrics; "after" is
// `eval-after.json`, else the last such line. A lone logged evaluation counts as "after" unless at step 0.

import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { EVAL_METRICS } from '../../evaluation/evaluation-summary.js';
import { ReportError } from './report-error.js';
import type { MetricsRow } from './run-metrics.js';

/** Files the comparison reads from a run directory, when present. */
export const EVAL_BEFORE_FILE = 'eval-before.json';
export const EVAL_AFTER_FILE = 'eval-after.json';

/** One evaluation: where it came from, its step when known, and its `eval/…` metrics. */
export type EvalSnapshot = {
  /** `eval-before.json`, or `metrics.jsonl step 40`. */
  readonly source: string;
  readonly step?: number;
  readonly metrics: Readonly<Record<string, number>>;
};

/** One row of the table; a side is absent when that evaluation lacks the metric. */
export type EvalComparisonRow = {
  readonly name: string;
  readonly before?: number;
  readonly after?: number;
};

/** The evaluations compared, and the rows; both sides absent means the run logged no evaluation. */
export type EvalComparison = {
  readonly before?: EvalSnapshot;
  readonly after?: EvalSnapshot;
  readonly rows: readonly EvalComparisonRow[];
};

/**
 * The `eval/…` metrics in an evaluation file, accepting: the `eval` command's results JSON (its
 * `metrics` object), a flat `{ "eval/success_rate": … }` object, or an EvaluationSummary
 * (`successRate`, `passHatK`, `meanReward`, `meanParts`, `meanTurns`). A top-level `step` is kept.
 * Throws ReportError('invalid_metrics') when none of these is found.
 */
export function evalSnapshotFromJson(json: unknown, source: string): EvalSnapshot {
  const record = asRecord(json);
  const step = typeof record?.step === 'number' ? record.step : undefined;
  const candidates = [asRecord(record?.metrics), record];
  for (const candidate of candidates) {
    const metrics = evalMetricsOf(candidate);
    if (Object.keys(metrics).length > 0) return { source, step, metrics };
  }
  const summary = asRecord(record?.summary) ?? record;
  if (summary !== undefined && typeof summary.successRate === 'number') {
    return { source, step, metrics: summaryMetrics(summary) };
  }
  throw new ReportError(
    'invalid_metrics',
    `${source}: no evaluation metrics (expected "metrics", "eval/…" keys or an evaluation summary)`,
  );
}

/** The before/after evaluations of a run by the rule above, and their table rows. */
export async function readEvalComparison(options: {
  readonly runDir: string;
  readonly rows: readonly MetricsRow[];
}): Promise<EvalComparison> {
  const logged = options.rows.filter((row) =>
    Object.keys(row.values).some((name) => name.startsWith('eval/')),
  );
  const fromRow = (row: MetricsRow): EvalSnapshot => ({
    source: `metrics.jsonl step ${row.step}`,
    step: row.step,
    metrics: evalMetricsOf(row.values),
  });
  const [first, last] = [logged.at(0), logged.at(-1)];
  const beforeFile = await readEvalFile(options.runDir, EVAL_BEFORE_FILE);
  const afterFile = await readEvalFile(options.runDir, EVAL_AFTER_FILE);
  // A single logged evaluation is "before" only at step 0 (before any update), else "after".
  const single = first !== undefined && first === last;
  const beforeRow = single && first.step !== 0 ? undefined : first;
  const afterRow = single && beforeRow !== undefined ? undefined : last;
  const before = beforeFile ?? (beforeRow === undefined ? undefined : fromRow(beforeRow));
  const after = afterFile ?? (afterRow === undefined ? undefined : fromRow(afterRow));
  return { before, after, rows: comparisonRows(before, after) };
}

/** One row per metric of either side, ordered: success rate, pass^k, reward, its parts, turns, the rest. */
export function comparisonRows(before?: EvalSnapshot, after?: EvalSnapshot): EvalComparisonRow[] {
  const names = [...new Set([...Object.keys(before?.metrics ?? {}), ...Object.keys(after?.metrics ?? {})])];
  names.sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0));
  return names.map((name) => ({ name, before: before?.metrics[name], after: after?.metrics[name] }));
}

function rank(name: string): number {
  if (name === EVAL_METRICS.successRate) return 0;
  const pass = /^eval\/pass\^(\d+)$/.exec(name);
  if (pass !== null) return 1 + Number(pass[1]) / 1000;
  if (name === EVAL_METRICS.rewardMean) return 2;
  if (name.startsWith('eval/reward/')) return 3;
  if (name === EVAL_METRICS.turnsMean) return 4;
  return 5;
}

async function readEvalFile(runDir: string, file: string): Promise<EvalSnapshot | undefined> {
  const path = join(runDir, file);
  if (!existsSync(path)) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    throw new ReportError('invalid_metrics', `${path}: not valid JSON`, { cause: error });
  }
  return evalSnapshotFromJson(json, file);
}

function evalMetricsOf(record: Readonly<Record<string, unknown>> | undefined): Record<string, number> {
  const metrics: Record<string, number> = {};
  for (const [name, value] of Object.entries(record ?? {})) {
    if (name.startsWith('eval/') && typeof value === 'number' && Number.isFinite(value))
      metrics[name] = value;
  }
  return metrics;
}

/** An EvaluationSummary's numbers under their metric names, as `evaluationMetrics` writes them. */
function summaryMetrics(summary: Readonly<Record<string, unknown>>): Record<string, number> {
  const metrics: Record<string, unknown> = { [EVAL_METRICS.successRate]: summary.successRate };
  if (Array.isArray(summary.passHatK)) {
    summary.passHatK.forEach((value: unknown, index) => (metrics[EVAL_METRICS.passHatK(index + 1)] = value));
  }
  metrics[EVAL_METRICS.rewardMean] = summary.meanReward;
  for (const [name, value] of Object.entries(asRecord(summary.meanParts) ?? {})) {
    metrics[EVAL_METRICS.partMean(name)] = value;
  }
  metrics[EVAL_METRICS.turnsMean] = summary.meanTurns;
  return evalMetricsOf(metrics);
}

function asRecord(value: unknown): Readonly<Record<string, unknown>> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

/**
 * The metrics rows plus the evaluation files as rows at their step (eval-before.json is usually
 * step 0, which metrics.jsonl does not log), so the evaluation curves start where training did. A
 * file is added only when no logged row at its step has evaluation metrics already.
 */
export function rowsWithEvalFiles(rows: readonly MetricsRow[], comparison: EvalComparison): MetricsRow[] {
  const merged = [...rows];
  for (const snapshot of [comparison.before, comparison.after]) {
    if (snapshot === undefined || snapshot.step === undefined || !snapshot.source.endsWith('.json')) continue;
    const step = snapshot.step;
    const logged = merged.some(
      (row) => row.step === step && Object.keys(row.values).some((name) => name.startsWith('eval/')),
    );
    if (!logged) merged.push({ step, values: snapshot.metrics });
  }
  return merged.sort((a, b) => a.step - b.step);
}
