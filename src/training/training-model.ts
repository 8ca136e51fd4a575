// The policy a run trains: a fresh byte-level transformer from the configured model and seed, or the
// weights of an initial checkpoint (a supervised warm start), on the local training backend. Also
// the frozen reference copy of the initial weights that the KL penalty and `policy/kl` compare with.

import { readFile } from 'node:fs/promises';
import { LocalTrainingBackend } from '../backends/local-backend.js';
import { Rng } from '../engine/random.js';
import { readSafetensors } from '../engine/safetensors.js';
import { CheckpointError, ConfigError } from '../errors.js';
import { loadCheckpoint, saveCheckpoint } from '../models/checkpoint.js';
import { LanguageModel } from '../models/language-model.js';
import { ByteTokenizer } from '../models/tokenizers/byte-tokenizer.js';
import { resolveTransformerConfig, type TransformerConfig } from '../models/transformer-config.js';
import type { ParameterSet } from '../models/transformer-params.js';
import { DEFAULT_TRAINING_MODEL } from './training-config.js';

/**
 * The model configuration a stateset-agents checkpoint records. Throws CheckpointError:
 * 'checkpoint_not_found' for no file, 'invalid_safetensors' when it records no valid configuration.
 */
export async function readCheckpointModelConfig(path: string): Promise<TransformerConfig> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    throw new CheckpointError('checkpoint_not_found', `no checkpoint at ${path}`, { cause: error });
  }
  const { metadata } = readSafetensors(bytes);
  try {
    return resolveTransformerConfig(JSON.parse(metadata.config ?? 'null'));
  } catch (error) {
    throw new CheckpointError(
      'invalid_safetensors',
      `${path} records no valid model configuration (metadata "config"); it is not a stateset-agents checkpoint`,
      { cause: error },
    );
  }
}

/** The model config of a fresh run: `DEFAULT_TRAINING_MODEL`, then `model`'s fields, with the byte vocabulary. */
export function trainingModelConfig(model: Readonly<Record<string, unknown>>): TransformerConfig {
  return resolveTransformerConfig({
    ...DEFAULT_TRAINING_MODEL,
    ...model,
    vocabSize: new ByteTokenizer().vocabSize,
  });
}

/** Options of `createPolicyModel`. */
export type PolicyModelOptions = {
  /** Partial transformer config of a fresh model (vocabSize is the byte tokenizer's); a string (a
   * Hugging Face directory) is refused: `loadHfPolicy` loads those. */
  readonly model: Readonly<Record<string, unknown>> | string;
  /** Weights to start from instead; its model config is used. Empty: a fresh model. */
  readonly initCheckpoint: string;
  readonly seed: number;
  /** ONNX Runtime threads; 0 uses every core. */
  readonly threads: number;
};

/** A byte-vocabulary model, fresh or from `initCheckpoint` (weights only: the optimiser starts fresh). */
export async function createPolicyModel(options: PolicyModelOptions): Promise<LanguageModel> {
  const vocabSize = new ByteTokenizer().vocabSize;
  const threads = options.threads === 0 ? undefined : options.threads;
  if (typeof options.model === 'string') {
    throw new ConfigError(
      'invalid_config',
      `createPolicyModel makes byte-level models; ${options.model} is a Hugging Face directory for loadHfPolicy`,
    );
  }
  if (options.initCheckpoint === '') {
    return new LanguageModel({ config: trainingModelConfig(options.model), seed: options.seed, threads });
  }
  const config = await readCheckpointModelConfig(options.initCheckpoint);
  if (config.vocabSize !== vocabSize) {
    throw new CheckpointError(
      'checkpoint_mismatch',
      `${options.initCheckpoint} has vocabulary ${config.vocabSize}; the byte tokenizer's is ${vocabSize}`,
    );
  }
  const state = await loadCheckpoint(options.initCheckpoint, config);
  return new LanguageModel({ config, parameters: state.parameters, threads });
}

/** The local backend over `model`, seeded (sampling seeds always come from the trainer, though). */
export function createPolicyBackend(model: LanguageModel, seed: number): LocalTrainingBackend {
  return new LocalTrainingBackend({ model, seed });
}

/** A deep copy of parameters: a frozen snapshot. */
export function copyParameters(parameters: ParameterSet): ParameterSet {
  return new Map([...parameters].map(([name, data]) => [name, data.slice()]));
}

/** Writes the reference weights (no optimiser state) to `path`, atomically. */
export async function saveReference(path: string, model: LanguageModel): Promise<void> {
  await saveCheckpoint(path, {
    config: model.config,
    parameters: model.parameters,
    adam: new Map(),
    step: 0,
    rng: new Rng(0).getState(),
  });
}

/** The frozen reference model from `path`. */
export async function loadReference(
  path: string,
  config: TransformerConfig,
  threads: number,
): Promise<LanguageModel> {
  const state = await loadCheckpoint(path, config);
  return new LanguageModel({
    config,
    parameters: state.parameters,
    threads: threads === 0 ? undefined : threads,
  });
}
