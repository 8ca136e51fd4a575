// Reads a run's metrics.jsonl: one JSON object per line, `{ "step": n, "<slash/name>": value, … }`.
// Tolerant of what a live or killed run leaves behind; loud about anything else.

import { ReportError } from './report-error.js';

/** One logged line: its step and its numeric metrics (other fields, such as timestamps, are dropped). */
export type MetricsRow = { readonly step: number; readonly values: Readonly<Record<string, number>> };

/**
 * Parses metrics JSONL. Blank lines are skipped, and so is an unparseable last line without a
 * newline (a write cut short by a kill). Any other line that is not a JSON object with a finite
 * `step` throws ReportError('invalid_metrics') naming `source` and the 1-based line.
 */
export function parseMetricsJsonl(text: string, source: string): MetricsRow[] {
  const lines = text.split('\n');
  const rows: MetricsRow[] = [];
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index].trim();
    if (line === '') continue;
    const unfinished = index === lines.length - 1; // no newline after it
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch (error) {
      if (unfinished) break;
      throw new ReportError('invalid_metrics', `${source}:${index + 1}: invalid JSON`, { cause: error });
    }
    if (typeof json !== 'object' || json === null || Array.isArray(json)) {
      throw new ReportError('invalid_metrics', `${source}:${index + 1}: not a JSON object`);
    }
    const record = json as Record<string, unknown>;
    if (typeof record.step !== 'number' || !Number.isFinite(record.step)) {
      throw new ReportError('invalid_metrics', `${source}:${index + 1}: "step" is missing or not a number`);
    }
    const values: Record<string, number> = {};
    for (const [name, value] of Object.entries(record)) {
      if (name !== 'step' && typeof value === 'number' && Number.isFinite(value)) values[name] = value;
    }
    rows.push({ step: record.step, values });
  }
  return rows;
}

/** Every metric name that appears in `rows`, in order of first appearance. */
export function metricNames(rows: readonly MetricsRow[]): string[] {
  const names = new Set<string>();
  for (const row of rows) for (const name of Object.keys(row.values)) names.add(name);
  return [...names];
}

/** The (step, value) points of one metric, from the rows that have it. */
export function metricPoints(
  rows: readonly MetricsRow[],
  name: string,
): { readonly x: number; readonly y: number }[] {
  return rows.filter((row) => name in row.values).map((row) => ({ x: row.step, y: row.values[name] }));
}
