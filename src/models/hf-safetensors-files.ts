// The tensors of a Hugging Face checkpoint directory: one `model.safetensors`, or shards
// `model-0000N-of-0000M.safetensors` listed by `model.safetensors.index.json` (its `weight_map`).

import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { readSafetensors } from '../engine/safetensors.js';
import type { SafetensorsTensor } from '../engine/safetensors-dtype.js';
import { ModelError } from '../errors.js';

/** File names transformers writes. */
export const HF_SAFETENSORS_FILE = 'model.safetensors';
/** The index of a sharded checkpoint. */
export const HF_SAFETENSORS_INDEX = 'model.safetensors.index.json';

/** One tensor of a checkpoint and the file it came from (for error messages). */
export type HfTensor = { readonly tensor: SafetensorsTensor; readonly file: string };

const IndexSchema = z.looseObject({
  weight_map: z.record(z.string(), z.string()).describe('Tensor name → shard file name.'),
});

/**
 * Every tensor of the checkpoint in `dir`, by name. Throws ModelError('checkpoint_not_found') when
 * there is neither file, and ModelError('checkpoint_mismatch') naming the tensor and shard when the
 * index and the shards disagree (a tensor listed but absent, present but unlisted, or in two shards).
 */
export async function readHfSafetensors(dir: string): Promise<Map<string, HfTensor>> {
  const indexPath = join(dir, HF_SAFETENSORS_INDEX);
  if (existsSync(indexPath)) return readSharded(dir, await readIndex(indexPath));
  const single = join(dir, HF_SAFETENSORS_FILE);
  if (!existsSync(single)) {
    throw new ModelError(
      'checkpoint_not_found',
      `${dir} has neither ${HF_SAFETENSORS_FILE} nor ${HF_SAFETENSORS_INDEX}`,
    );
  }
  const tensors = new Map<string, HfTensor>();
  for (const [name, tensor] of await readShard(single))
    tensors.set(name, { tensor, file: HF_SAFETENSORS_FILE });
  return tensors;
}

async function readSharded(dir: string, weightMap: Record<string, string>): Promise<Map<string, HfTensor>> {
  const tensors = new Map<string, HfTensor>();
  const files = [...new Set(Object.values(weightMap))].sort();
  for (const file of files) {
    const path = join(dir, file);
    if (!existsSync(path)) {
      const example = Object.keys(weightMap).find((name) => weightMap[name] === file);
      throw new ModelError(
        'checkpoint_not_found',
        `shard ${file} (listed in ${HF_SAFETENSORS_INDEX} for "${example}") is not in ${dir}`,
      );
    }
    for (const [name, tensor] of await readShard(path)) {
      const listed = weightMap[name];
      if (listed !== file) {
        throw new ModelError(
          'checkpoint_mismatch',
          listed === undefined
            ? `shard ${file} holds tensor "${name}", which ${HF_SAFETENSORS_INDEX} does not list`
            : `shard ${file} holds tensor "${name}", which ${HF_SAFETENSORS_INDEX} puts in ${listed}`,
        );
      }
      tensors.set(name, { tensor, file });
    }
  }
  for (const [name, file] of Object.entries(weightMap)) {
    if (!tensors.has(name)) {
      throw new ModelError(
        'checkpoint_mismatch',
        `${HF_SAFETENSORS_INDEX} puts tensor "${name}" in shard ${file}, which does not hold it`,
      );
    }
  }
  return tensors;
}

async function readIndex(path: string): Promise<Record<string, string>> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    throw new ModelError('invalid_model_config', `cannot read ${path}: ${String(error)}`, { cause: error });
  }
  const parsed = IndexSchema.safeParse(json);
  if (!parsed.success)
    throw new ModelError(
      'invalid_model_config',
      `${path} has no valid "weight_map" (tensor name → shard file)`,
    );
  return parsed.data.weight_map;
}

async function readShard(path: string): Promise<Map<string, SafetensorsTensor>> {
  try {
    return readSafetensors(await readFile(path)).tensors;
  } catch (error) {
    if (error instanceof Error && 'code' in error && error.code === 'invalid_safetensors') {
      throw new ModelError('invalid_safetensors', `${path}: ${error.message}`, { cause: error });
    }
    throw error;
  }
}
