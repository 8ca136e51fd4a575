// The checkpoint a serving benchmark serves: `--checkpoint FILE` (its facts read from the file, or from
// the note a benchmark left beside it), or one trained here in under a minute.

import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { parameterCount } from '../../src/models/transformer-params.js';
import { readCheckpointModelConfig } from '../../src/training/training-model.js';
import type { CliOptions } from './cli-options.js';
import { CHECKPOINT_FACTS_FILE, trainBenchCheckpoint, type BenchCheckpoint } from './train-checkpoint.js';

/** Reads `--checkpoint`, or trains one (`--sft-steps`, default 16; `--demos`, default 200). */
export async function benchCheckpoint(options: CliOptions): Promise<BenchCheckpoint> {
  const path = options.string('checkpoint', '');
  if (path === '') {
    return trainBenchCheckpoint({
      steps: options.number('sft-steps', 16),
      demonstrations: options.number('demos', 200),
      seed: options.number('seed', 0),
    });
  }
  try {
    const facts = JSON.parse(
      await readFile(join(dirname(path), CHECKPOINT_FACTS_FILE), 'utf8'),
    ) as BenchCheckpoint;
    if (facts.path === path) return facts;
  } catch {
    // No note beside it: a checkpoint from elsewhere, described by its own model configuration.
  }
  const model = await readCheckpointModelConfig(path);
  return { path, model, parameters: parameterCount(model), origin: `given: ${path}` };
}

/** "N parameters (L layers, width W, context T)". */
export function modelLine(checkpoint: BenchCheckpoint): string {
  const { layers, width, contextLength } = checkpoint.model;
  return `${checkpoint.parameters.toLocaleString('en-US')} parameters (${layers} layers, width ${width}, context ${contextLength})`;
}
