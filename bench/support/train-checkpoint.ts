// A small real checkpoint for the serving benchmarks: a fresh byte-level model fine-tuned for a fixed
// number of steps (the same checkpoint on every machine, however fast) on support-lite teacher
// demonstrations through the library API, as `sft` does, then saved.

import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ByteChatRenderer } from '../../src/conversation/byte-chat-renderer.js';
import { findRetailDataDir } from '../../src/environments/retail/retail-data-dir.js';
import { loadRetailData } from '../../src/environments/retail/retail-data.js';
import { createSupportLiteEnvironment } from '../../src/environments/support-lite/environment.js';
import { generateDemonstrations } from '../../src/environments/support-lite/teacher-demonstrations.js';
import { ByteTokenizer } from '../../src/models/tokenizers/byte-tokenizer.js';
import { parameterCount } from '../../src/models/transformer-params.js';
import type { TransformerConfig } from '../../src/models/transformer-config.js';
import { tokenizeChatExamples } from '../../src/training/chat-dataset-tokens.js';
import { compactToolsPrompt } from '../../src/training/policy-agent.js';
import { runSft } from '../../src/training/sft.js';
import { createPolicyBackend, createPolicyModel } from '../../src/training/training-model.js';
import { temporaryDir } from './temporary-dir.js';

/** The model shape the serving benchmarks train when no checkpoint is given. */
export const BENCH_MODEL = { width: 64, layers: 2, heads: 4, mlpWidth: 256, contextLength: 1280 } as const;

/** Options of `trainBenchCheckpoint`. */
export type TrainBenchCheckpointOptions = {
  /** Optimiser steps of the fine-tuning (8 conversations each). */
  readonly steps: number;
  /** Teacher demonstrations to train on. */
  readonly demonstrations: number;
  readonly seed: number;
  /** Folder for the checkpoint; default a temporary folder removed when this process exits. */
  readonly dir?: string;
};

/** The checkpoint written, the model it holds, and how it was trained. */
export type BenchCheckpoint = {
  readonly path: string;
  readonly model: TransformerConfig;
  readonly parameters: number;
  readonly training?: { readonly steps: number; readonly seconds: number; readonly finalLoss: number };
  /** Where it came from, in words. */
  readonly origin: string;
};

/** The file beside a trained checkpoint that records its facts, for benchmarks given `--checkpoint`. */
export const CHECKPOINT_FACTS_FILE = 'bench-checkpoint.json';

/** Fine-tunes `BENCH_MODEL` on support-lite demonstrations for `steps` steps and saves the checkpoint. */
export async function trainBenchCheckpoint(options: TrainBenchCheckpointOptions): Promise<BenchCheckpoint> {
  const dataDir = findRetailDataDir({ root: process.cwd(), env: process.env });
  if (dataDir === undefined)
    throw new Error('τ-bench retail data not found: set STATESET_TAU_RETAIL or pass --checkpoint FILE');
  const { database } = await loadRetailData(dataDir);
  const environment = createSupportLiteEnvironment({ database });
  const demonstrations = await generateDemonstrations({
    environment,
    database,
    count: options.demonstrations,
    seed: options.seed,
  });
  const sequences = tokenizeChatExamples({
    renderer: new ByteChatRenderer({ tokenizer: new ByteTokenizer() }),
    examples: demonstrations.map((demo) => ({
      messages: demo.trajectory.messages,
      tools: environment.tools,
    })),
    formatTools: compactToolsPrompt,
  });
  const model = await createPolicyModel({
    model: BENCH_MODEL,
    initCheckpoint: '',
    seed: options.seed,
    threads: 0,
  });
  try {
    const backend = createPolicyBackend(model, options.seed);
    const result = await runSft({
      backend,
      sequences,
      steps: options.steps,
      learningRate: 2e-3,
      seed: options.seed,
      maxSequenceTokens: model.config.contextLength + 1,
    });
    const dir = options.dir ?? temporaryDir('bench-checkpoint-');
    const path = join(dir, 'checkpoint.safetensors');
    await backend.saveState(path);
    const last = result.steps.slice(-5);
    const checkpoint: BenchCheckpoint = {
      path,
      model: model.config,
      parameters: parameterCount(model.config),
      training: {
        steps: result.steps.length,
        seconds: Math.round(result.seconds * 10) / 10,
        finalLoss: Math.round((last.reduce((sum, step) => sum + step.loss, 0) / last.length) * 1000) / 1000,
      },
      origin: `trained here: ${result.steps.length} SFT steps in ${Math.round(result.seconds)} s on ${options.demonstrations} support-lite teacher demonstrations`,
    };
    await writeFile(join(dir, CHECKPOINT_FACTS_FILE), `${JSON.stringify(checkpoint, null, 2)}\n`);
    return checkpoint;
  } finally {
    await model.dispose();
  }
}
