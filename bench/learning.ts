// The learning result: on support-lite with the embedded engine, SFT on a mistaken teacher's
// demonstrations, then GRPO on the verifiable reward, against an SFT-only baseline trained for the
// same total wall time. Held-out success for both, per seed; written to benchmark_results/learning.json.
// Usage: npm run bench:learning [-- --seeds 0,1,2 --sft-seconds 150 --grpo-steps 30 --eval-tasks 200
//   --width 128 --layers 4 --heads 4 --curriculum-share 0 --curriculum-copy-weight 1 --micro-batch-size 8
//   --groups 4 --group-size 8
//   --previous-token-embedding]

import { mkdir, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import { runCli } from '../src/cli/main.js';

const args = process.argv.slice(2);
const option = (name: string, fallback: string) => {
  const at = args.indexOf(`--${name}`);
  return at >= 0 ? args[at + 1] : fallback;
};
const seeds = option('seeds', '0,1,2').split(',').map(Number);
const sftSeconds = Number(option('sft-seconds', '150'));
const grpoSteps = option('grpo-steps', '30');
const evalTasks = option('eval-tasks', '200');
const demos = option('demos', '2000');
const mistakeRate = option('mistake-rate', '0.3');
const model = [
  '--width',
  option('width', '128'),
  '--layers',
  option('layers', '4'),
  '--heads',
  option('heads', '4'),
  // Both arms alike: x_t = E[tok_t] + E_prev[tok_{t−1}], a shortcut to copying (GRPO inherits it).
  ...(args.includes('--previous-token-embedding') ? ['--previous-token-embedding'] : []),
];
// The same SFT recipe for the warm start and the baseline, so that only GRPO differs.
const sftRecipe = [
  '--curriculum-share',
  option('curriculum-share', '0'),
  '--curriculum-copy-weight',
  option('curriculum-copy-weight', '1'),
  '--learning-rate',
  option('sft-lr', '0.002'),
];
// GRPO's settings; the micro-batch bounds the attention activations (B·H·T·T) of an update.
const grpoRecipe = [
  '--micro-batch-size',
  option('micro-batch-size', '8'),
  '--groups-per-step',
  option('groups', '4'),
  '--group-size',
  option('group-size', '8'),
  ...(args.includes('--grpo-lr') ? ['--learning-rate', option('grpo-lr', '')] : []),
];
const outDir = option('out', 'benchmark_results');
const runsDir = join(outDir, 'learning-runs');

/** Runs a CLI command in-process, returning its stdout; throws with its stderr when it fails. */
async function cli(argv: string[]): Promise<string> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    env: { STATESET_LOG_LEVEL: 'warn' },
  });
  if (code !== 0) throw new Error(`stateset-agents ${argv.join(' ')} exited ${code}:\n${stderr}`);
  return stdout;
}

/** The value printed after `label:` on a line of the command's output. */
function printed(output: string, label: string): string {
  const line = output.split('\n').find((l) => l.startsWith(`${label}:`));
  if (line === undefined) throw new Error(`no "${label}:" line in:\n${output}`);
  return line.slice(label.length + 1).trim();
}

async function sft(seed: number, seconds: number, name: string): Promise<string> {
  const out = await cli([
    'sft',
    '--seed',
    String(seed),
    '--demos',
    demos,
    '--mistake-rate',
    mistakeRate,
    ...model,
    ...sftRecipe,
    '--seconds',
    String(seconds),
    '--eval-episodes',
    '0',
    '--out',
    join(runsDir, name),
  ]);
  return printed(out, 'checkpoint');
}

async function heldOutSuccess(checkpoint: string, seed: number, file: string): Promise<number> {
  await cli([
    'eval',
    '--env',
    'support-lite',
    '--agent',
    'local',
    '--checkpoint',
    checkpoint,
    '--split',
    'heldout',
    '--tasks',
    evalTasks,
    '--seed',
    String(10_000 + seed),
    '--max-new-tokens',
    '160',
    '--out',
    file,
  ]);
  const results = JSON.parse(await readFile(file, 'utf8')) as { summary: { successRate: number } };
  return results.summary.successRate;
}

const loadAtStart = os.loadavg();
await mkdir(runsDir, { recursive: true });
const rows: {
  seed: number;
  sftSuccess: number;
  grpoSuccess: number;
  wallSeconds: number;
  warmStartSuccess: number;
}[] = [];
for (const seed of seeds) {
  const start = performance.now();
  const warmStart = await sft(seed, sftSeconds, `seed-${seed}-sft`);
  await cli([
    'train',
    '--env',
    'support-lite',
    '--seed',
    String(seed),
    '--init-checkpoint',
    warmStart,
    '--steps',
    grpoSteps,
    '--eval-episodes',
    '0',
    '--runs-dir',
    runsDir,
    '--run-name',
    `seed-${seed}-grpo`,
    '--checkpoint-every',
    '0',
    '--sample-every',
    '0',
    '--max-new-tokens',
    '160',
    ...grpoRecipe,
  ]);
  const wallSeconds = (performance.now() - start) / 1000;
  const grpoRun = join(runsDir, `seed-${seed}-grpo`);
  const latest = JSON.parse(await readFile(join(grpoRun, 'latest.json'), 'utf8')) as { checkpoint: string };
  const grpoCheckpoint = join(grpoRun, latest.checkpoint);
  const baseline = await sft(seed, wallSeconds, `seed-${seed}-sft-only`);
  const row = {
    seed,
    warmStartSuccess: await heldOutSuccess(warmStart, seed, join(runsDir, `seed-${seed}-warm-start.json`)),
    sftSuccess: await heldOutSuccess(baseline, seed, join(runsDir, `seed-${seed}-sft-only.json`)),
    grpoSuccess: await heldOutSuccess(grpoCheckpoint, seed, join(runsDir, `seed-${seed}-grpo.json`)),
    wallSeconds: Math.round(wallSeconds),
  };
  rows.push(row);
  console.log(JSON.stringify(row));
}

const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
const spread = (values: number[]) => Math.max(...values) - Math.min(...values);
const gains = rows.map((r) => r.grpoSuccess - r.sftSuccess);
const result = {
  environment: 'support-lite',
  setup: {
    demos: Number(demos),
    mistakeRate: Number(mistakeRate),
    sftSeconds,
    grpoSteps: Number(grpoSteps),
    evalTasks: Number(evalTasks),
    model,
    sftRecipe,
    grpoRecipe,
    loadAverage: { start: loadAtStart, end: os.loadavg() },
    cores: os.cpus().length,
  },
  seeds: rows,
  sftSuccessMean: mean(rows.map((r) => r.sftSuccess)),
  grpoSuccessMean: mean(rows.map((r) => r.grpoSuccess)),
  gainMean: mean(gains),
  gainSpread: spread(gains),
  targetMet: gains.every((g) => g >= 0.15),
};
await mkdir(outDir, { recursive: true });
await writeFile(join(outDir, 'learning.json'), `${JSON.stringify(result, null, 2)}\n`);
console.log('| seed | SFT-only success | SFT + GRPO success | gain (points) | wall s |');
console.log('|---|---|---|---|---|');
for (const r of rows) {
  console.log(
    `| ${r.seed} | ${(100 * r.sftSuccess).toFixed(1)}% | ${(100 * r.grpoSuccess).toFixed(1)}% | ${(100 * (r.grpoSuccess - r.sftSuccess)).toFixed(1)} | ${r.wallSeconds} |`,
  );
}
console.log(JSON.stringify(result));
