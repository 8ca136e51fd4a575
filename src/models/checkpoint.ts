// Training checkpoints: weights, AdamW moments, step and RNG state in one safetensors file, written
// atomically (temporary file, fsync, rename) so a kill at any moment leaves the previous one intact.

import { readFile } from 'node:fs/promises';
import { CheckpointError } from '../errors.js';
import { writeFileAtomic } from '../engine/atomic-file.js';
import type { AdamState } from '../engine/optim/adamw.js';
import type { RngState } from '../engine/random.js';
import { readSafetensors, writeSafetensors } from '../engine/safetensors.js';
import type { SafetensorsTensor } from '../engine/safetensors-dtype.js';
import type { TransformerConfig } from './transformer-config.js';
import type { ParameterSet } from './transformer-params.js';

/** The format tag written into every checkpoint's metadata. */
export const CHECKPOINT_FORMAT = 'stateset-agents/checkpoint/v1';

/** Everything needed to continue training exactly where it stopped. */
export type TrainingState = {
  readonly config: TransformerConfig;
  readonly parameters: ParameterSet;
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
    config: JSON.stringify(state.config),
    step: String(state.step),
    rng: JSON.stringify(state.rng),
    adamSteps: JSON.stringify(adamSteps),
  };
  await writeFileAtomic(path, writeSafetensors(tensors, metadata));
}

/** Reads a checkpoint, checking it was written for `expected` (same model configuration). */
export async function loadCheckpoint(path: string, expected: TransformerConfig): Promise<TrainingState> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    throw new CheckpointError('checkpoint_not_found', `no checkpoint at ${path}`, { cause: error });
  }
  const { tensors, metadata } = readSafetensors(bytes);
  if (metadata.format !== CHECKPOINT_FORMAT) {
    throw new CheckpointError('invalid_safetensors', `${path} is not a stateset-agents checkpoint (format "${metadata.format ?? 'missing'}")`);
  }
  const config = parseJson<TransformerConfig>(metadata.config, 'config', path);
  const differences = Object.keys({ ...config, ...expected }).filter(
    (key) => JSON.stringify(config[key as keyof TransformerConfig]) !== JSON.stringify(expected[key as keyof TransformerConfig]),
  );
  if (differences.length > 0) {
    const detail = differences.map((k) => `${k}: checkpoint ${JSON.stringify(config[k as keyof TransformerConfig])}, model ${JSON.stringify(expected[k as keyof TransformerConfig])}`);
    throw new CheckpointError('checkpoint_mismatch', `${path} was written for a different model config (${detail.join('; ')})`);
  }
  const adamSteps = parseJson<Record<string, number>>(metadata.adamSteps, 'adamSteps', path);
  const parameters: ParameterSet = new Map();
  const adam = new Map<string, AdamState>();
  const float = (key: string): Float32Array => {
    const tensor = tensors.get(key);
    if (tensor === undefined || tensor.dtype !== 'F32') throw new CheckpointError('invalid_safetensors', `${path}: tensor "${key}" is missing or not F32`);
    return tensor.data;
  };
  for (const key of tensors.keys()) {
    if (key.startsWith('param/')) parameters.set(key.slice('param/'.length), float(key));
  }
  for (const [name, step] of Object.entries(adamSteps)) adam.set(name, { step, m: float(`adam.m/${name}`), v: float(`adam.v/${name}`) });
  const step = Number(metadata.step);
  if (!Number.isInteger(step) || step < 0) throw new CheckpointError('invalid_safetensors', `${path}: step "${metadata.step}" is not a count`);
  return { config, parameters, adam, step, rng: parseJson<RngState>(metadata.rng, 'rng', path) };
}

function f32(data: Float32Array): SafetensorsTensor {
  return { dtype: 'F32', shape: [data.length], data: data as Float32Array<ArrayBuffer> };
}

function parseJson<T>(text: string | undefined, field: string, path: string): T {
  try {
    if (text === undefined) throw new Error('missing');
    return JSON.parse(text) as T;
  } catch (error) {
    throw new CheckpointError('invalid_safetensors', `${path}: metadata "${field}" is missing or not JSON`, { cause: error });
  }
}
