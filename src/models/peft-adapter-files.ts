// A LoRA adapter directory as PEFT's save_pretrained writes it: `adapter_config.json` and
// `adapter_model.safetensors` with tensors named `base_model.model.<HF module>.lora_A.weight` (r, in)
// and `.lora_B.weight` (out, r), so PEFT, vLLM and other runtimes that take PEFT adapters load it.

import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../engine/atomic-file.js';
import { readSafetensors, writeSafetensors } from '../engine/safetensors.js';
import { toFloat32, type SafetensorsTensor } from '../engine/safetensors-dtype.js';
import { ModelError } from '../errors.js';
import { hfLlamaName } from './hf-llama-weights.js';
import { loraParameterSpecs, type LoraAdapter } from './lora-params.js';
import { parsePeftAdapterConfig, peftAdapterConfig } from './peft-adapter-config.js';
import type { TransformerConfig } from './transformer-config.js';

/** PEFT's file names. */
export const ADAPTER_CONFIG_FILE = 'adapter_config.json';
/** The adapter weights file. */
export const ADAPTER_WEIGHTS_FILE = 'adapter_model.safetensors';

/** PEFT's tensor name of one of our adapter parameters: `layers.0.attn.q.lora_A.weight` → `base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight`. */
export function peftTensorName(name: string): string {
  const match = /^(.+)\.(lora_[AB])\.weight$/.exec(name);
  if (match === null) throw new ModelError('invalid_argument', `"${name}" is not a LoRA parameter name`);
  const module = hfLlamaName(`${match[1]}.weight`).replace(/\.weight$/, '');
  return `base_model.model.${module}.${match[2]}.weight`;
}

/** What `saveLoraAdapter` writes. */
export type SaveLoraAdapterOptions = {
  readonly dir: string;
  readonly adapter: LoraAdapter;
  readonly config: TransformerConfig;
  /** base_model_name_or_path: the model directory or hub id the adapter belongs to. */
  readonly baseModel: string;
};

/** Writes `adapter_config.json` and `adapter_model.safetensors` (float32) into `dir`, each atomically. */
export async function saveLoraAdapter(options: SaveLoraAdapterOptions): Promise<void> {
  const { dir, adapter, config } = options;
  await mkdir(dir, { recursive: true });
  const tensors = new Map<string, SafetensorsTensor>();
  for (const spec of loraParameterSpecs(config, adapter.config)) {
    const data = adapter.parameters.get(spec.name) as Float32Array<ArrayBuffer>;
    tensors.set(peftTensorName(spec.name), { dtype: 'F32', shape: spec.shape, data });
  }
  await writeFileAtomic(join(dir, ADAPTER_WEIGHTS_FILE), writeSafetensors(tensors, { format: 'pt' }));
  const json = peftAdapterConfig(adapter.config, options.baseModel);
  await writeFileAtomic(join(dir, ADAPTER_CONFIG_FILE), `${JSON.stringify(json, null, 2)}\n`);
}

/** A loaded adapter and the base model its config names. */
export type LoadedLoraAdapter = LoraAdapter & { readonly baseModel?: string };

/**
 * Reads a PEFT LoRA adapter directory for a model of `config`; F16/BF16 weights become float32.
 * Throws ModelError: 'checkpoint_not_found' for a missing file, 'invalid_model_config' for settings
 * we cannot run, 'checkpoint_mismatch' naming a tensor that is missing, extra or mis-shaped.
 */
export async function loadLoraAdapter(dir: string, config: TransformerConfig): Promise<LoadedLoraAdapter> {
  const configPath = join(dir, ADAPTER_CONFIG_FILE);
  let json: unknown;
  try {
    json = JSON.parse((await readBytes(configPath)).toString('utf8'));
  } catch (error) {
    if (error instanceof ModelError) throw error;
    throw new ModelError('invalid_model_config', `${configPath} is not valid JSON`, { cause: error });
  }
  const settings = parsePeftAdapterConfig(json, configPath);
  const weightsPath = join(dir, ADAPTER_WEIGHTS_FILE);
  const { tensors } = readSafetensors(await readBytes(weightsPath));
  const parameters = new Map<string, Float32Array>();
  const expected = new Set<string>();
  for (const spec of loraParameterSpecs(config, settings.lora)) {
    const name = peftTensorName(spec.name);
    expected.add(name);
    const tensor = tensors.get(name);
    if (tensor === undefined)
      throw new ModelError('checkpoint_mismatch', `${weightsPath} is missing tensor "${name}"`);
    if (tensor.shape.join(',') !== spec.shape.join(',')) {
      throw new ModelError(
        'checkpoint_mismatch',
        `${weightsPath} tensor "${name}" has shape [${tensor.shape.join(', ')}], the model and adapter config need [${spec.shape.join(', ')}]`,
      );
    }
    parameters.set(spec.name, tensor.dtype === 'F32' ? tensor.data : toFloat32(tensor));
  }
  for (const name of tensors.keys()) {
    if (!expected.has(name)) {
      throw new ModelError(
        'checkpoint_mismatch',
        `${weightsPath} has tensor "${name}", which adapter_config.json does not account for`,
      );
    }
  }
  return {
    config: settings.lora,
    parameters,
    ...(settings.baseModel === undefined ? {} : { baseModel: settings.baseModel }),
  };
}

async function readBytes(path: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (error) {
    throw new ModelError('checkpoint_not_found', `cannot read LoRA adapter file ${path}`, { cause: error });
  }
}
