// `npm run bench`: trains the bench checkpoint once, then runs every benchmark in its own process (so
// none inherits another's heap or threads), each writing its JSON into benchmark_results/.
// Usage: npm run bench [-- --checkpoint FILE --only http-latency,overhead]

import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { BENCHMARKS } from './support/benchmarks.js';
import { readCliOptions } from './support/cli-options.js';
import { loadLine, machineFacts } from './support/machine.js';
import { trainBenchCheckpoint } from './support/train-checkpoint.js';

const options = readCliOptions();
const only = options.string('only', '');
const selected =
  only === '' ? BENCHMARKS : BENCHMARKS.filter((bench) => only.split(',').includes(bench.result));
if (selected.length === 0) throw new Error(`--only ${only} names no benchmark`);
const started = performance.now();
const atStart = machineFacts();
console.log(`bench: ${selected.map((bench) => bench.result).join(', ')} on ${loadLine(atStart)}`);

let checkpoint = options.string('checkpoint', '');
if (checkpoint === '' && selected.some((bench) => bench.usesCheckpoint)) {
  const trained = await trainBenchCheckpoint({
    steps: options.number('sft-steps', 16),
    demonstrations: 200,
    seed: 0,
  });
  checkpoint = trained.path;
  console.log(`bench checkpoint: ${trained.origin}, loss ${trained.training?.finalLoss}: ${checkpoint}`);
}

const failed: string[] = [];
for (const bench of selected) {
  console.log(`\n## ${bench.result}`);
  const script = fileURLToPath(new URL(`./${bench.script}`, import.meta.url));
  const args = [...(bench.usesCheckpoint ? ['--checkpoint', checkpoint] : []), ...(bench.args ?? [])];
  const outcome = spawnSync(process.execPath, [script, ...args], {
    stdio: 'inherit',
    env: { ...process.env, STATESET_LOG_LEVEL: process.env.STATESET_LOG_LEVEL ?? 'warn' },
  });
  if (outcome.status !== 0)
    failed.push(`${bench.result} (${outcome.error?.message ?? `exit ${outcome.status ?? outcome.signal}`})`);
}

const minutes = (performance.now() - started) / 60_000;
console.log(
  `\nbench: ${minutes.toFixed(1)} min; load at start ${atStart.loadAverage.join(' / ')}, at end ${machineFacts().loadAverage.join(' / ')} (1/5/15 min)`,
);
if (failed.length > 0) {
  console.error(`bench: FAILED: ${failed.join(', ')}`);
  process.exitCode = 1;
}
