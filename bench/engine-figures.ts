// The engine figures for the benchmark suite: runs the engine benchmark (bench/engine.ts) as it is and
// records its result line. The PyTorch reference in the same session is opt-in here (--torch), since
// it needs python3-torch and minutes; `npm run bench:engine` runs it by default.
// Writes benchmark_results/engine.json. Usage: npm run build && node dist/bench/engine-figures.js
//   [-- --steps 5 --torch]

import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { BenchRun, writeBenchResult } from './support/bench-result.js';
import { readCliOptions } from './support/cli-options.js';
import { loadLine } from './support/machine.js';
import { inLoopLine, markdownTable } from './support/table.js';

type EngineLine = {
  engine: string;
  model: Record<string, number>;
  params: number;
  train_step_s_median: number;
  train_step_gflops: number;
  generate_tokens_per_s: number;
};

/** A `| pytorch N thread(s) | step s | GFLOP/s | tokens/s |` row of the engine benchmark's table. */
const TORCH_ROW = /^\| pytorch (\d+) thread\(s\) \| ([\d.]+) \| ([\d.]+) \| ([\d.]+) \|$/;

const options = readCliOptions();
const run = new BenchRun('engine');
const steps = options.number('steps', 5);
const torch = options.flag('torch');
const script = fileURLToPath(new URL('./engine.js', import.meta.url));
const output = execFileSync(
  process.execPath,
  [script, '--steps', String(steps), ...(torch ? [] : ['--no-torch'])],
  {
    encoding: 'utf8',
  },
);
const lines = output.trim().split('\n');
const engine = JSON.parse(lines[lines.length - 1]) as EngineLine;
const references = lines
  .map((line) => TORCH_ROW.exec(line))
  .filter((match): match is RegExpExecArray => match !== null)
  .map((match) => ({
    threads: Number(match[1]),
    trainStepSeconds: Number(match[2]),
    trainStepGflops: Number(match[3]),
    generateTokensPerSecond: Number(match[4]),
  }));
const inLoop = {
  engine: engine.engine,
  model: `GPT-2 style, ${engine.params.toLocaleString('en-US')} parameters (${Object.entries(engine.model)
    .map(([key, value]) => `${key}=${value}`)
    .join(' ')})`,
  trainStep: 'forward, backward and AdamW on B×T tokens',
  generation: 'greedy, 16 prompts of 16 tokens, 112 new tokens each, batched',
  steps: `${steps} measured after 2 warm-up`,
  pytorchReference: torch
    ? references.length > 0
      ? 'run in the same session'
      : 'asked for, but python3 with torch is not installed'
    : 'not run here (opt in with --torch; `npm run bench:engine` runs it)',
};
const result = run.finish({
  description: 'Training step and generation speed of the embedded engine (bench/engine.ts).',
  inLoop,
  metrics: {
    'engine/train_step_seconds': engine.train_step_s_median,
    'engine/train_step_gflops': engine.train_step_gflops,
    'engine/generate_tokens_per_second': engine.generate_tokens_per_s,
  },
  details: { engineLine: engine, pytorch: references },
});
await writeBenchResult(result);
console.log(`engine: ${inLoopLine(inLoop)}\n${loadLine(result.machine)}`);
console.log(
  markdownTable(
    ['run', 'train step s', 'GFLOP/s', 'generate tokens/s'],
    [
      ['stateset-agents', engine.train_step_s_median, engine.train_step_gflops, engine.generate_tokens_per_s],
      ...references.map((r) => [
        `pytorch ${r.threads} thread(s)`,
        r.trainStepSeconds,
        r.trainStepGflops,
        r.generateTokensPerSecond,
      ]),
    ],
  ),
);
