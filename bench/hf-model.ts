// Bring-your-own-model figures at SmolLM2-135M's exact shape (hidden 576, 30 layers, 9 heads, 3 kv
// heads, MLP 1536, vocab 49152, tied head), randomly initialised and written in Hugging Face layout
// (bf16, as SmolLM2 ships) to a temporary folder: load time, resident memory, generation tokens/s at
// batch 1 and 8, and seconds and memory of a LoRA training step (batch × tokens, rank r on q and v).
// The checkpoint is written by a child process, so its memory does not count in this one's.
// Usage: npm run bench:hf [-- --layers 30 --batch 4 --tokens 256 --rank 8 --new-tokens 32 --steps 3]

import { fork } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalTrainingBackend } from '../src/backends/local-backend.js';
import type { Datum } from '../src/backends/training-backend.js';
import { Rng } from '../src/engine/random.js';
import { saveHfLlama } from '../src/models/hf-llama-save.js';
import { loadHfModelDirectory } from '../src/models/hf-model-directory.js';
import { LanguageModel } from '../src/models/language-model.js';
import { resolveLoraConfig } from '../src/models/lora-config.js';
import { initLoraParameters } from '../src/models/lora-params.js';
import { sample } from '../src/models/sampler.js';
import {
  fixtureTokenizerConfig,
  fixtureTokenizerJson,
} from '../src/models/test-support/byte-bpe-tokenizer-files.js';
import { resolveTransformerConfig } from '../src/models/transformer-config.js';
import { initParameters, parameterCount } from '../src/models/transformer-params.js';
import { BenchRun, writeBenchResult } from './support/bench-result.js';
import { readCliOptions } from './support/cli-options.js';
import { loadLine } from './support/machine.js';
import { round } from './support/stats.js';
import { markdownTable } from './support/table.js';

const options = readCliOptions();
const run = new BenchRun('hf-model');
const layers = options.number('layers', 30);
const batch = options.number('batch', 4);
const tokens = options.number('tokens', 256);
const rank = options.number('rank', 8);
const newTokens = options.number('new-tokens', 32);
const steps = options.number('steps', 3);
const promptTokens = 32;
const mb = (bytes: number) => round(bytes / 2 ** 20, 0);

/** SmolLM2-135M's config.json values (rope_theta 100000, rms_norm_eps 1e-5, 8192 positions). */
const config = resolveTransformerConfig({
  vocabSize: 49152,
  contextLength: 8192,
  width: 576,
  layers,
  heads: 9,
  kvHeads: 3,
  mlpWidth: 1536,
  norm: 'rmsnorm',
  normEpsilon: 1e-5,
  activation: 'swiglu',
  positions: 'rotary',
  ropeTheta: 100000,
  tiedHead: true,
  bias: false,
});

/** Peak resident memory of this process so far (Linux VmHWM), else the current RSS. */
function peakRss(): number {
  try {
    const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
    if (match !== null) return Number(match[1]) * 1024;
  } catch {
    // not Linux
  }
  return process.memoryUsage().rss;
}

/** Writes the random checkpoint in Hugging Face layout (run in the child process). */
async function writeCheckpoint(dir: string): Promise<void> {
  await saveHfLlama({ dir, config, parameters: initParameters(config, 1), dtype: 'BF16' });
  await writeFile(join(dir, 'tokenizer.json'), JSON.stringify(fixtureTokenizerJson()));
  await writeFile(join(dir, 'tokenizer_config.json'), JSON.stringify(fixtureTokenizerConfig()));
}

const writeOnly = options.string('write-only', '');
if (writeOnly !== '') {
  await writeCheckpoint(writeOnly);
  process.exit(0);
}

const dir = await mkdtemp(join(tmpdir(), 'bench-hf-'));
try {
  const writer = fork(process.argv[1], ['--write-only', dir, '--layers', String(layers)]);
  const [code] = (await once(writer, 'exit')) as [number | null];
  if (code !== 0) throw new Error(`writing the checkpoint failed (exit ${code})`);
  const rssBefore = process.memoryUsage().rss;
  const loadStart = performance.now();
  const loaded = await loadHfModelDirectory(dir, { maxContextLength: 2048 });
  const loadSeconds = (performance.now() - loadStart) / 1000;
  const rssLoaded = process.memoryUsage().rss;

  const model = new LanguageModel({ config: loaded.config, parameters: loaded.parameters });
  const rng = new Rng(3);
  const prompt = () => Array.from({ length: promptTokens }, () => rng.int(config.vocabSize));
  const generation = async (rows: number) => {
    const prompts = Array.from({ length: rows }, prompt);
    await sample(model, { prompts, params: { maxNewTokens: 2, temperature: 1, seed: 1 } }); // compiles
    const start = performance.now();
    const out = await sample(model, {
      prompts,
      params: { maxNewTokens: newTokens, temperature: 1, seed: 2 },
    });
    const seconds = (performance.now() - start) / 1000;
    return out.reduce((sum, row) => sum + row.tokens.length, 0) / seconds;
  };
  const tokensPerSecond1 = await generation(1);
  const tokensPerSecond8 = await generation(8);
  const rssAfterGeneration = process.memoryUsage().rss;
  await model.dispose();

  const lora = resolveLoraConfig({ rank, alpha: 2 * rank, targets: ['q_proj', 'v_proj'] });
  const adapted = new LanguageModel({
    config: loaded.config,
    parameters: loaded.parameters,
    adapter: { config: lora, parameters: initLoraParameters(loaded.config, lora, 1) },
  });
  const backend = new LocalTrainingBackend({ model: adapted, seed: 1 });
  const datums = (): Datum[] =>
    Array.from({ length: batch }, () => {
      const ids = Array.from({ length: tokens + 1 }, () => rng.int(config.vocabSize));
      return {
        modelInput: ids.slice(0, -1),
        lossFnInputs: {
          targetTokens: ids.slice(1),
          weights: new Array<number>(tokens).fill(1 / (batch * tokens)),
        },
      };
    });
  const trainStep = async () => {
    await backend.forwardBackward(datums(), 'cross_entropy');
    await backend.optimStep({ learningRate: 1e-4 });
  };
  const compileStart = performance.now();
  await trainStep(); // compiles the training graph
  const firstStepSeconds = (performance.now() - compileStart) / 1000;
  const stepStart = performance.now();
  for (let step = 0; step < steps; step++) await trainStep();
  const stepSeconds = (performance.now() - stepStart) / 1000 / steps;
  const rssAfterTraining = process.memoryUsage().rss;
  await adapted.dispose();

  const inLoop = {
    model: `SmolLM2-135M shape, ${layers} layers, random bf16 weights`,
    parameters: parameterCount(config),
    generation: `prompt ${promptTokens} tokens, ${newTokens} new, temperature 1`,
    lora: `rank ${rank} alpha ${2 * rank} on q_proj,v_proj; batch ${batch} × ${tokens} tokens`,
    threads: 'all cores',
  };
  const metrics = {
    'load/seconds': round(loadSeconds, 2),
    'memory/rss_after_load_mb': mb(rssLoaded),
    'memory/weights_loaded_mb': mb(rssLoaded - rssBefore),
    'generation/batch1_tokens_per_second': round(tokensPerSecond1, 1),
    'generation/batch8_tokens_per_second': round(tokensPerSecond8, 1),
    'memory/rss_after_generation_mb': mb(rssAfterGeneration),
    'lora/first_step_seconds': round(firstStepSeconds, 2),
    'lora/step_seconds': round(stepSeconds, 2),
    'lora/tokens_per_second': round((batch * tokens) / stepSeconds, 0),
    'memory/rss_after_training_mb': mb(rssAfterTraining),
    'memory/peak_rss_mb': mb(peakRss()),
  };
  const result = run.finish({
    description:
      'A randomly initialised model of SmolLM2-135M shape loaded from Hugging Face layout (bf16) and run on the embedded engine: generation and LoRA training.',
    inLoop,
    metrics,
  });
  const path = await writeBenchResult(result);
  process.stdout.write(
    `${markdownTable(['metric', 'value'], Object.entries(metrics))}\n\n` +
      `${Object.entries(inLoop)
        .map(([key, value]) => `${key}: ${value}`)
        .join('\n')}\n` +
      `machine at start: ${loadLine(result.machine)}; load at end ${result.machine.loadAverageAtEnd.join(' / ')}\n` +
      `wall ${result.wallSeconds} s; written to ${path}\n`,
  );
} finally {
  await rm(dir, { recursive: true, force: true });
}
