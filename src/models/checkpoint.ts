// Training checkpoints: weights, AdamW moments, step and RNG state in one safetensors file, written
// atomically (temporary file, fsync, rename) so a kill at any moment leaves the previous one intact.

import { readFile } from 'node:fs/promises';
import { CheckpointError } from '../errors.js';
import { writeFileAtomic } from '../engine/atomic-file.js';
import type { AdamState } from '../engine/optim/adamw.js';
import { Rng, type RngState } from '../engine/random.js';
import { readSafetensors, writeSafetensors } from '../engine/safetensors.js';
import type { SafetensorsTensor } from '../engine/safetensors-dtype.js';
import type { LoraConfig } from './lora-config.js';
import { trainableParameterSpecs } from './lora-params.js';
import type { TransformerConfig } from './transformer-config.js';
import type { ParameterSet } from './transformer-params.js';

/** The format tag written into every checkpoint's metadata. */
export const CHECKPOINT_FORMAT = 'stateset-agents/checkpoint/v1';

/**
 * Everything needed to continue training exactly where it stopped. With `lora`, `parameters` are the
 * adapter's alone (the base weights come from the model directory and never change).
 */
export type TrainingState = {
  readonly config: TransformerConfig;
  readonly parameters: ParameterSet;
  readonly lora?: LoraConfig;
  readonly adam: ReadonlyMap<string, AdamState>;
  readonly step: number;
  readonly rng: RngState;
};

/** Writes a checkpoint atomically to `path`. */
export async function saveCheckpoint(path: string, state: TrainingState): Promise<void> {
  const tensors = new Map<string, SafetensorsTensor>();
  for (const [name, data] of state.parameters) tensors.set(`param/${name}`, f32(data));
  const adamSteps: Record<string, number> = {};
  for (const [name, adam] of state.adam) {
    tensors.set(`adam.m/${name}`, f32(adam.m));
    tensors.set(`adam.v/${name}`, f32(adam.v));
    adamSteps[name] = adam.step;
  }
  const metadata = {
    format: CHECKPOINT_FORMAT,
    config: JSON.stringify(storedConfig(state.config)),
    step: String(state.step),
    rng: JSON.stringify(state.rng),
    adamSteps: JSON.stringify(adamSteps),
    ...(state.lora === undefined ? {} : { lora: JSON.stringify(state.lora) }),
  };
  await writeFileAtomic(path, writeSafetensors(tensors, metadata));
}

/**
 * Reads a checkpoint, checking it was written for `expected` (same model configuration) and, for an
 * adapter's checkpoint, the same LoRA configuration `expectedLora`.
 */
export async function loadCheckpoint(
  path: string,
  expected: TransformerConfig,
  expectedLora?: LoraConfig,
): Promise<TrainingState> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    throw new CheckpointError('checkpoint_not_found', `no checkpoint at ${path}`, { cause: error });
  }
  const { tensors, metadata } = readSafetensors(bytes);
  if (metadata.format !== CHECKPOINT_FORMAT) {
    throw new CheckpointError(
      'invalid_safetensors',
      `${path} is not a stateset-agents checkpoint (format "${metadata.format ?? 'missing'}")`,
    );
  }
  // Checkpoints written before `qkvBias` / `previousTokenEmbedding` / `previousTokens` existed lack
  // them: off, off and 1 (and a model at those values still writes no key, so its file is unchanged).
  const stored = parseJson<
    Omit<TransformerConfig, 'qkvBias' | 'previousTokenEmbedding' | 'previousTokens'> & {
      qkvBias?: boolean;
      previousTokenEmbedding?: boolean;
      previousTokens?: number;
    }
  >(metadata.config, 'config', path);
  const config: TransformerConfig = {
    ...stored,
    qkvBias: stored.qkvBias ?? false,
    previousTokenEmbedding: stored.previousTokenEmbedding ?? false,
    previousTokens: stored.previousTokens ?? 1,
  };
  const differences = Object.keys({ ...config, ...expected }).filter(
    (key) =>
      JSON.stringify(config[key as keyof TransformerConfig]) !==
      JSON.stringify(expected[key as keyof TransformerConfig]),
  );
  if (differences.length > 0) {
    const detail = differences.map(
      (k) =>
        `${k}: checkpoint ${JSON.stringify(config[k as keyof TransformerConfig])}, model ${JSON.stringify(expected[k as keyof TransformerConfig])}`,
    );
    throw new CheckpointError(
      'checkpoint_mismatch',
      `${path} was written for a different model config (${detail.join('; ')})`,
    );
  }
  const lora = metadata.lora === undefined ? undefined : parseJson<LoraConfig>(metadata.lora, 'lora', path);
  if (JSON.stringify(lora) !== JSON.stringify(expectedLora)) {
    const describe = (value: LoraConfig | undefined) =>
      value === undefined ? 'no LoRA adapter' : `LoRA ${JSON.stringify(value)}`;
    throw new CheckpointError(
      'checkpoint_mismatch',
      `${path} holds ${describe(lora)}; the model has ${describe(expectedLora)}`,
    );
  }
  const adamSteps = parseJson<Record<string, number>>(metadata.adamSteps, 'adamSteps', path);
  const parameters: ParameterSet = new Map();
  const adam = new Map<string, AdamState>();
  const invalid = (problem: string) => new CheckpointError('invalid_safetensors', `${path}: ${problem}`);
  // Every tensor must be there with its config's size, so a damaged file can never load half-way.
  const sizes = new Map(
    trainableParameterSpecs(expected, lora).map((spec) => [spec.name, spec.shape.reduce((p, d) => p * d, 1)]),
  );
  const float = (key: string, size: number): Float32Array => {
    const tensor = tensors.get(key);
    if (tensor === undefined || tensor.dtype !== 'F32')
      throw invalid(`tensor "${key}" is missing or not F32`);
    if (tensor.data.length !== size)
      throw invalid(`tensor "${key}" has ${tensor.data.length} values, the model needs ${size}`);
    return tensor.data;
  };
  for (const key of tensors.keys()) {
    if (key.startsWith('param/') && !sizes.has(key.slice('param/'.length)))
      throw invalid(`tensor "${key}" is not a parameter of this model`);
  }
  for (const [name, size] of sizes) parameters.set(name, float(`param/${name}`, size));
  for (const [name, step] of Object.entries(adamSteps)) {
    const size = sizes.get(name);
    if (size === undefined) throw invalid(`optimiser state for unknown parameter "${name}"`);
    if (!Number.isInteger(step) || step < 0)
      throw invalid(`optimiser step of "${name}" is ${JSON.stringify(step)}, not a count`);
    adam.set(name, { step, m: float(`adam.m/${name}`, size), v: float(`adam.v/${name}`, size) });
  }
  const step = Number(metadata.step);
  if (!Number.isInteger(step) || step < 0) throw invalid(`step "${metadata.step}" is not a count`);
  const rng = parseJson<RngState>(metadata.rng, 'rng', path);
  try {
    Rng.fromState(rng);
  } catch (error) {
    throw new CheckpointError('invalid_safetensors', `${path}: metadata "rng" is not a generator state`, {
      cause: error,
    });
  }
  return { config, parameters, adam, step, rng, ...(lora === undefined ? {} : { lora }) };
}

function f32(data: Float32Array): SafetensorsTensor {
  return { dtype: 'F32', shape: [data.length], data: data as Float32Array<ArrayBuffer> };
}

/** A metadata field holding a JSON object (config, adamSteps, rng). */
function parseJson<T>(text: string | undefined, field: string, path: string): T {
  try {
    if (text === undefined) throw new Error('missing');
    const value: unknown = JSON.parse(text);
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('not an object');
    return value as T;
  } catch (error) {
    throw new CheckpointError(
      'invalid_safetensors',
      `${path}: metadata "${field}" is missing or not a JSON object`,
      { cause: error },
    );
  }
}

/**
 * The config as written: `previousTokenEmbedding` only when on and `previousTokens` only when above
 * 1, so files of other models are unchanged.
 */
function storedConfig(config: TransformerConfig): Partial<TransformerConfig> {
  const { previousTokenEmbedding, previousTokens, ...rest } = config;
  return {
    ...rest,
    ...(previousTokenEmbedding ? { previousTokenEmbedding } : {}),
    ...(previousTokens !== 1 ? { previousTokens } : {}),
  };
}
