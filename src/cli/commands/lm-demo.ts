// `stateset-agents lm-demo`: trains a tiny GPT-style model on built-in support dialogue for a few
// seconds on the embedded engine, compares its loss with the uniform baseline, samples, and saves.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { LocalTrainingBackend } from '../../backends/local-backend.js';
import { Rng } from '../../engine/random.js';
import { LanguageModel } from '../../models/language-model.js';
import { ByteTokenizer } from '../../models/tokenizers/byte-tokenizer.js';
import { parameterCount } from '../../models/transformer-params.js';
import { createLogger } from '../../observability/logger.js';
import type { CliIo } from '../cli-io.js';
import { defineCommand } from '../command.js';
import { DEMO_EXCHANGES, demoCorpusText, demoPrompt } from '../demo-corpus.js';
import { ProgressDisplay } from '../progress-display.js';
import { createRunDirectory } from '../run-directory.js';
import { trainOnCorpus } from './lm-demo-train.js';

/** The lm-demo model: GPT-2 style, small enough to learn the demo corpus in seconds on two cores. */
export const LM_DEMO_MODEL = {
  contextLength: 128,
  width: 64,
  layers: 2,
  heads: 4,
  mlpWidth: 256,
} as const;
/** Prompts sampled after training, and how. */
export const LM_DEMO_SAMPLES = { count: 3, temperature: 0.7, maxNewTokens: 100 } as const;
/** Seconds kept back from `--seconds` for sampling and saving, so the whole run fits the budget. */
export const POST_TRAINING_SECONDS = 1;
/** Steps averaged for the reported final loss. */
const FINAL_LOSS_WINDOW = 10;

/** Flags of `lm-demo`. */
export const LmDemoConfigSchema = z.object({
  seconds: z.number().positive().default(20).describe('Time budget in seconds for the whole run.'),
  steps: z.number().int().min(0).default(0).describe('Optimiser steps; 0 trains for --seconds instead.'),
  seed: z.number().int().min(0).default(0).describe('Seed of the weights, batches and samples.'),
  out: z.string().min(1).default('runs').describe('Folder that receives the run folder.'),
  batchSize: z.number().int().positive().default(8).describe('Sequences of 128 tokens per step.'),
  learningRate: z
    .number()
    .positive()
    .default(3e-3)
    .describe('Peak AdamW learning rate (warmup, cosine decay).'),
  threads: z.number().int().min(0).default(0).describe('ONNX Runtime threads; 0 uses every core.'),
});

/** A resolved `lm-demo` configuration. */
export type LmDemoConfig = z.output<typeof LmDemoConfigSchema>;

/** The `lm-demo` command. */
export const lmDemoCommand = defineCommand({
  name: 'lm-demo',
  summary:
    'Train a tiny language model on built-in support dialogue for a few seconds and sample from it: the engine on its own.',
  schema: LmDemoConfigSchema,
  run: runLmDemo,
});

async function runLmDemo(config: LmDemoConfig, io: CliIo): Promise<void> {
  createLogger({ name: 'lm-demo', destination: io.stderr, env: io.env }).info(
    { config },
    'resolved configuration',
  );
  const tokenizer = new ByteTokenizer();
  const model = new LanguageModel({
    config: { ...LM_DEMO_MODEL, vocabSize: tokenizer.vocabSize },
    seed: config.seed,
    threads: config.threads === 0 ? undefined : config.threads,
  });
  const backend = new LocalTrainingBackend({ model, seed: config.seed });
  const rng = new Rng(config.seed);
  try {
    const tokens = tokenizer.encode(demoCorpusText());
    const { layers, width, heads, contextLength, vocabSize } = model.config;
    io.stdout.write(
      `lm-demo: ${parameterCount(model.config).toLocaleString('en-US')}-parameter model (${layers} layers, ` +
        `width ${width}, ${heads} heads, context ${contextLength}, vocab ${vocabSize}) on ` +
        `${tokens.length.toLocaleString('en-US')} bytes of support dialogue, ` +
        `${config.steps > 0 ? `${config.steps} steps` : `${config.seconds} s`}\n`,
    );
    const summary = await trainOnCorpus({
      backend,
      tokens,
      steps: config.steps,
      seconds: Math.max(config.seconds - POST_TRAINING_SECONDS, config.seconds / 2),
      batchSize: config.batchSize,
      length: contextLength,
      learningRate: config.learningRate,
      rng: rng.fork('batches'),
      display: new ProgressDisplay({ output: io.stdout }),
    });
    const { losses } = summary;
    const recent = losses.slice(-FINAL_LOSS_WINDOW);
    const finalLoss = recent.reduce((sum, loss) => sum + loss, 0) / recent.length;
    const baseline = Math.log(vocabSize);
    io.stdout.write(
      `trained ${losses.length} steps (${summary.tokens.toLocaleString('en-US')} tokens) in ` +
        `${summary.seconds.toFixed(1)} s, ${Math.round(summary.tokens / summary.seconds).toLocaleString('en-US')} tokens/s\n` +
        `final loss ${finalLoss.toFixed(3)} (mean of the last ${recent.length} steps; first step ${losses[0].toFixed(3)}); ` +
        `uniform baseline ln(${vocabSize}) = ${baseline.toFixed(3)}\n`,
    );

    const exchanges = rng
      .fork('prompts')
      .shuffle([...DEMO_EXCHANGES])
      .slice(0, LM_DEMO_SAMPLES.count);
    const prompts = exchanges.map((exchange) => tokenizer.encode(demoPrompt(exchange)));
    const longest = Math.max(...prompts.map((prompt) => prompt.length));
    const samples = await backend.sample(prompts, {
      maxNewTokens: Math.min(LM_DEMO_SAMPLES.maxNewTokens, contextLength - longest),
      temperature: LM_DEMO_SAMPLES.temperature,
      seed: config.seed,
      stopTokenIds: [tokenizer.tokenId('\n') as number],
    });
    io.stdout.write(`samples (temperature ${LM_DEMO_SAMPLES.temperature}, seed ${config.seed}):\n`);
    samples.forEach((sampled, index) => {
      const [customer, agent] = demoPrompt(exchanges[index]).split('\n');
      const reply = tokenizer.decode(sampled.tokens).replace(/\n$/, '');
      const cut = sampled.finishReason === 'length' ? '…' : '';
      io.stdout.write(`sample ${index + 1}: ${customer}\n          ${agent}${reply}${cut}\n`);
    });

    const runDir = createRunDirectory({ parent: config.out, prefix: 'lm-demo' });
    const checkpoint = join(runDir, 'checkpoint.safetensors');
    const configFile = join(runDir, 'config.json');
    await backend.saveState(checkpoint);
    const saved = { command: 'lm-demo', options: config, model: model.config, tokenizer: 'byte' };
    writeFileSync(configFile, `${JSON.stringify(saved, null, 2)}\n`);
    io.stdout.write(`checkpoint: ${checkpoint}\nconfig:     ${configFile}\n`);
  } finally {
    await model.dispose();
  }
}
