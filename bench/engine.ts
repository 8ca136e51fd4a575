// Engine benchmark: the GPT-2 style model of ../shared/anchors/torch_gpt_step.py (V=512, C=256, L=4,
// H=4, T=128, B=16, AdamW 3e-4, betas 0.9/0.95, weight decay 0.1) trained and sampled on the embedded
// engine, beside the PyTorch CPU reference run in the same session when Debian's python3-torch is there.
// Usage: npm run bench:engine [-- --steps 5 --no-torch --threads N]. Last line: one JSON object with the
// reference script's keys.

import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { LocalTrainingBackend } from '../src/backends/local-backend.js';
import { Rng } from '../src/engine/random.js';
import { LanguageModel } from '../src/models/language-model.js';
import { parameterCount } from '../src/models/transformer-params.js';
import type { Datum } from '../src/backends/training-backend.js';

const shape = { V: 512, C: 256, L: 4, H: 4, T: 128, B: 16 };
const args = process.argv.slice(2);
const flag = (name: string) => args.includes(`--${name}`);
const option = (name: string, fallback: number) => {
  const at = args.indexOf(`--${name}`);
  return at >= 0 ? Number(args[at + 1]) : fallback;
};
const steps = option('steps', 5);
const threads = option('threads', os.availableParallelism());

type Figures = { train_step_s_median: number; train_step_gflops: number; generate_tokens_per_s: number };

/** FLOPs of one training step, counted as the reference script counts them. */
function stepFlops(): number {
  const { V, C, L, T, B } = shape;
  const tokens = B * T;
  const matmulParams = L * (3 * C * C + C * C + 8 * C * C);
  const attnFlops = L * 2 * 2 * B * T * T * C;
  return 6 * matmulParams * tokens + 3 * attnFlops + 6 * V * C * tokens;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

async function runEngine(): Promise<Figures & { params: number }> {
  const { V, C, L, H, T, B } = shape;
  const config = { vocabSize: V, contextLength: T, width: C, layers: L, heads: H, mlpWidth: 4 * C };
  const model = new LanguageModel({ config, seed: 0, threads });
  const backend = new LocalTrainingBackend({ model, seed: 0 });
  const rng = new Rng(1);
  const datums: Datum[] = Array.from({ length: B }, () => ({
    modelInput: Array.from({ length: T }, () => rng.int(V)),
    lossFnInputs: {
      targetTokens: Array.from({ length: T }, () => rng.int(V)),
      weights: new Array<number>(T).fill(1 / (B * T)),
    },
  }));
  const adam = {
    learningRate: 3e-4,
    beta1: 0.9,
    beta2: 0.95,
    epsilon: 1e-8,
    weightDecay: 0.1,
    decayAllParameters: true,
  };
  const step = async () => {
    await backend.forwardBackward(datums, 'cross_entropy');
    await backend.optimStep(adam);
  };
  for (let i = 0; i < 2; i++) await step();
  const times: number[] = [];
  for (let i = 0; i < steps; i++) {
    const start = performance.now();
    await step();
    times.push((performance.now() - start) / 1000);
  }
  const stepSeconds = median(times);

  const prompts = datums.map((d) => d.modelInput.slice(0, 16));
  await backend.sample(prompts, { maxNewTokens: 4, temperature: 0 }); // compile the sampling graphs
  const start = performance.now();
  const out = await backend.sample(prompts, { maxNewTokens: T - 16, temperature: 0 });
  const genSeconds = (performance.now() - start) / 1000;
  const generated = out.reduce((n, s) => n + s.tokens.length, 0);
  await model.dispose();
  return {
    params: parameterCount(model.config),
    train_step_s_median: round(stepSeconds, 4),
    train_step_gflops: round(stepFlops() / stepSeconds / 1e9, 2),
    generate_tokens_per_s: round(generated / genSeconds, 1),
  };
}

function runTorch(torchThreads: number): Figures | undefined {
  const script = fileURLToPath(new URL('../../../shared/anchors/torch_gpt_step.py', import.meta.url));
  const fallback = fileURLToPath(new URL('../../shared/anchors/torch_gpt_step.py', import.meta.url));
  const path = existsSync(script) ? script : fallback;
  if (!existsSync('/usr/bin/python3') || !existsSync(path)) return undefined;
  try {
    const output = execFileSync('/usr/bin/python3', [path, `threads=${torchThreads}`, `steps=${steps}`], {
      encoding: 'utf8',
    });
    return JSON.parse(output.trim().split('\n').pop() as string) as Figures;
  } catch {
    return undefined;
  }
}

function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

const engine = await runEngine();
const references = flag('no-torch') ? [] : [1, 2].map((t) => ({ threads: t, figures: runTorch(t) }));
const available = references.filter(
  (r): r is { threads: number; figures: Figures } => r.figures !== undefined,
);
console.log(`engine: stateset-agents onnxruntime cpu, ${threads} threads, ${engine.params} parameters`);
console.log('| run | train step s | GFLOP/s | generate tokens/s |');
console.log('|---|---|---|---|');
console.log(
  `| stateset-agents | ${engine.train_step_s_median} | ${engine.train_step_gflops} | ${engine.generate_tokens_per_s} |`,
);
for (const r of available) {
  console.log(
    `| pytorch ${r.threads} thread(s) | ${r.figures.train_step_s_median} | ${r.figures.train_step_gflops} | ${r.figures.generate_tokens_per_s} |`,
  );
}
if (available.length > 0) {
  const bestStep = Math.min(...available.map((r) => r.figures.train_step_s_median));
  const bestGen = Math.max(...available.map((r) => r.figures.generate_tokens_per_s));
  console.log(
    `training step speed-up vs best PyTorch: ${(bestStep / engine.train_step_s_median).toFixed(2)}x (target 1.5x)`,
  );
  console.log(
    `generation speed-up vs best PyTorch: ${(engine.generate_tokens_per_s / bestGen).toFixed(2)}x (target 2x)`,
  );
} else {
  console.log('PyTorch reference not run (no /usr/bin/python3 with torch, or --no-torch).');
}
console.log(
  JSON.stringify({
    engine: `stateset-agents onnxruntime-node cpu, ${threads} threads`,
    model: shape,
    params: engine.params,
    train_step_s_median: engine.train_step_s_median,
    train_step_gflops: engine.train_step_gflops,
    generate_tokens_per_s: engine.generate_tokens_per_s,
  }),
);
