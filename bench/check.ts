// `npm run bench:check`: compares the results of a fresh `npm run bench` with the committed baseline
// (benchmark_results/baseline.json) under the tolerance rules of support/tolerances.ts, and fails on
// any regression. `--write-baseline` makes the current results the baseline instead.

import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { compareWithBaseline, type MetricValues } from './support/baseline-comparison.js';
import { RESULTS_DIR, type BenchResult } from './support/bench-result.js';
import { BASELINE_FILE, BENCHMARKS } from './support/benchmarks.js';
import { readCliOptions } from './support/cli-options.js';
import { markdownTable } from './support/table.js';

/** What baseline.json holds: the metrics, and when and where they were measured. */
type Baseline = {
  readonly createdAt: string;
  readonly loadAverages: Readonly<Record<string, readonly number[]>>;
  readonly metrics: MetricValues;
};

const options = readCliOptions();
const results = await Promise.all(
  BENCHMARKS.map(async (bench) => {
    const path = join(RESULTS_DIR, `${bench.result}.json`);
    try {
      return JSON.parse(await readFile(path, 'utf8')) as BenchResult;
    } catch (error) {
      throw new Error(`no result at ${path}: run \`npm run bench\` first`, { cause: error });
    }
  }),
);
const current: Record<string, number | null> = {};
for (const result of results) {
  for (const [metric, value] of Object.entries(result.metrics)) {
    if (metric in current) throw new Error(`metric ${metric} is written by two benchmarks`);
    current[metric] = value;
  }
}
const loadAverages = Object.fromEntries(
  results.map((result) => [result.benchmark, result.machine.loadAverage]),
);
const baselinePath = join(RESULTS_DIR, BASELINE_FILE);

if (options.flag('write-baseline')) {
  const baseline: Baseline = { createdAt: new Date().toISOString(), loadAverages, metrics: current };
  await writeFile(baselinePath, `${JSON.stringify(baseline, null, 2)}\n`);
  console.log(`bench:check: wrote ${Object.keys(current).length} metrics to ${baselinePath}`);
} else {
  const baseline = JSON.parse(await readFile(baselinePath, 'utf8')) as Baseline;
  const verdicts = compareWithBaseline({ baseline: baseline.metrics, current });
  const show = (value: number | null | undefined) => (value === undefined ? '—' : String(value));
  console.log(
    markdownTable(
      ['metric', 'baseline', 'now', 'allowed', 'verdict'],
      verdicts.map((v) => [
        v.metric,
        show(v.baseline),
        show(v.current),
        v.allowed,
        `${v.ok ? 'ok' : 'FAIL'}${v.note === undefined ? '' : ` (${v.note})`}`,
      ]),
    ),
  );
  console.log(`baseline from ${baseline.createdAt}; load average now: ${JSON.stringify(loadAverages)}`);
  const failures = verdicts.filter((v) => !v.ok);
  if (failures.length > 0) {
    console.error(`bench:check: FAILED: ${failures.map((v) => `${v.metric} (${v.note})`).join('; ')}`);
    process.exitCode = 1;
  } else console.log(`bench:check: all ${verdicts.length} metrics within tolerance`);
}
