// `writeRunReport`: reads a run directory and writes its self-contained `report.html`.
// Reads metrics.jsonl (required), config.json, eval-before.json / eval-after.json and the latest
// samples/step-N.jsonl (each optional: what is missing is left out of the page).

import { existsSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { writeFileAtomic } from '../../engine/atomic-file.js';
import { readEvalComparison, rowsWithEvalFiles } from './eval-comparison.js';
import { renderReportCharts } from './report-charts.js';
import { ReportError } from './report-error.js';
import { renderReportPage } from './report-page.js';
import { parseMetricsJsonl, type MetricsRow } from './run-metrics.js';
import { DEFAULT_SAMPLE_GROUPS, pickConversations, readLatestSamples } from './sample-conversations.js';

/** The report's file name inside the run directory. */
export const REPORT_FILE = 'report.html';
/** The metrics log a run directory must have. */
export const METRICS_FILE = 'metrics.jsonl';
/** The resolved configuration, shown when present. */
export const CONFIG_FILE = 'config.json';

/** Options of `writeRunReport`. */
export type WriteRunReportOptions = {
  readonly runDir: string;
  /** Sample groups shown (best and worst trajectory of each); default 3. */
  readonly sampleGroups?: number;
  /** The time written on the page; default now. */
  readonly now?: Date;
};

/** What was written. */
export type RunReport = {
  /** Absolute path of report.html. */
  readonly path: string;
  readonly charts: number;
  /** Whether the before/after table has rows. */
  readonly evaluation: boolean;
  readonly conversations: number;
};

/**
 * Writes `<runDir>/report.html` atomically and says what it holds. Throws ReportError:
 * 'run_not_found' when `runDir` is not a directory, 'run_metrics_missing' without metrics.jsonl,
 * 'invalid_metrics' for a malformed metrics line or evaluation file, 'invalid_config' for a
 * config.json that is not JSON; ConversationError('invalid_trajectory') for a malformed samples file.
 */
export async function writeRunReport(options: WriteRunReportOptions): Promise<RunReport> {
  const runDir = resolve(options.runDir);
  if (!existsSync(runDir) || !statSync(runDir).isDirectory()) {
    throw new ReportError('run_not_found', `no run directory at ${options.runDir}`);
  }
  const metricsPath = join(runDir, METRICS_FILE);
  if (!existsSync(metricsPath)) {
    throw new ReportError(
      'run_metrics_missing',
      `${options.runDir} has no ${METRICS_FILE}; is it a training run directory?`,
    );
  }
  const rows = parseMetricsJsonl(await readFile(metricsPath, 'utf8'), metricsPath);
  const config = await readConfig(join(runDir, CONFIG_FILE));
  const comparison = await readEvalComparison({ runDir, rows });
  const samples = await readLatestSamples(runDir);
  const conversations =
    samples === undefined
      ? []
      : pickConversations(samples.trajectories, options.sampleGroups ?? DEFAULT_SAMPLE_GROUPS);
  const charts = renderReportCharts(rowsWithEvalFiles(rows, comparison));
  const html = renderReportPage({
    runName: basename(runDir),
    generatedAt: options.now ?? new Date(),
    facts: runFacts(rows, samples?.file),
    charts,
    comparison,
    samples: samples === undefined ? undefined : { file: samples.file, conversations },
    config,
  });
  const path = join(runDir, REPORT_FILE);
  await writeFileAtomic(path, html);
  return {
    path,
    charts: charts.length,
    evaluation: comparison.rows.length > 0,
    conversations: conversations.length,
  };
}

async function readConfig(path: string): Promise<unknown> {
  if (!existsSync(path)) return undefined;
  try {
    return JSON.parse(await readFile(path, 'utf8')) as unknown;
  } catch (error) {
    throw new ReportError('invalid_config', `${path}: not valid JSON`, { cause: error });
  }
}

/** The headline facts: steps logged and the latest training reward and held-out success. */
function runFacts(rows: readonly MetricsRow[], samplesFile: string | undefined): [string, string][] {
  const facts: [string, string][] = [];
  if (rows.length > 0) facts.push(['last step', String(Math.max(...rows.map((row) => row.step)))]);
  facts.push(['metrics lines', String(rows.length)]);
  for (const [label, name] of [
    ['latest reward/mean', 'reward/mean'],
    ['latest eval/success_rate', 'eval/success_rate'],
  ] as const) {
    const last = rows.filter((row) => name in row.values).at(-1);
    if (last !== undefined)
      facts.push([label, `${Number(last.values[name].toPrecision(4))} (step ${last.step})`]);
  }
  if (samplesFile !== undefined) facts.push(['samples', samplesFile]);
  return facts;
}
