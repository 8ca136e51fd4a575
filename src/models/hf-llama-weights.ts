// Hugging Face Llama-family checkpoints (transformers' LlamaForCausalLM, Qwen2ForCausalLM): safetensors
// tensor names → our parameter names, decoded to float32, from a single file or shards (see
// hf-safetensors-files.ts).

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ModelError } from '../errors.js';
import { toFloat32, type SafetensorsTensor } from '../engine/safetensors-dtype.js';
import { hfLlamaToTransformerConfig, type HfLlamaConfigOptions } from './hf-llama-config.js';
import { readHfSafetensors } from './hf-safetensors-files.js';
import type { TransformerConfig } from './transformer-config.js';
import { parameterSpecs, type ParameterSet } from './transformer-params.js';

/** The Hugging Face name of one of our parameter names (see `parameterSpecs`). */
export function hfLlamaName(name: string): string {
  const layer = /^layers\.(\d+)\.(.+)$/.exec(name);
  if (layer === null) {
    const top: Record<string, string> = {
      'embed.weight': 'model.embed_tokens.weight',
      'final_norm.weight': 'model.norm.weight',
      'lm_head.weight': 'lm_head.weight',
    };
    return top[name] ?? name;
  }
  const [, index, rest] = layer;
  const inLayer: Record<string, string> = {
    'attn_norm.weight': 'input_layernorm.weight',
    'attn.q.weight': 'self_attn.q_proj.weight',
    'attn.k.weight': 'self_attn.k_proj.weight',
    'attn.v.weight': 'self_attn.v_proj.weight',
    'attn.q.bias': 'self_attn.q_proj.bias',
    'attn.k.bias': 'self_attn.k_proj.bias',
    'attn.v.bias': 'self_attn.v_proj.bias',
    'attn.o.weight': 'self_attn.o_proj.weight',
    'mlp_norm.weight': 'post_attention_layernorm.weight',
    'mlp.gate.weight': 'mlp.gate_proj.weight',
    'mlp.up.weight': 'mlp.up_proj.weight',
    'mlp.down.weight': 'mlp.down_proj.weight',
  };
  return `model.layers.${index}.${inLayer[rest] ?? rest}`;
}

/** What `mapHfLlamaWeights` maps. */
export type MapHfLlamaWeightsOptions = {
  readonly tensors: ReadonlyMap<string, SafetensorsTensor>;
  readonly config: TransformerConfig;
  /** The file each tensor came from, named in errors (shards). */
  readonly files?: ReadonlyMap<string, string>;
};

/**
 * Our parameters from Hugging Face Llama or Qwen2 tensors (linear weights are (out, in) in both), decoded to
 * float32 (F32 tensors are used as they are, without a copy). Throws ModelError('checkpoint_mismatch') naming a tensor that is missing, has the wrong
 * shape, or is not a parameter of this config.
 */
export function mapHfLlamaWeights(options: MapHfLlamaWeightsOptions): ParameterSet {
  const { tensors, config } = options;
  const where = (hfName: string) => {
    const file = options.files?.get(hfName);
    return file === undefined ? '' : ` (in ${file})`;
  };
  const parameters: ParameterSet = new Map();
  const used = new Set<string>();
  for (const spec of parameterSpecs(config)) {
    const hfName = hfLlamaName(spec.name);
    const tensor = tensors.get(hfName);
    if (tensor === undefined) {
      throw new ModelError(
        'checkpoint_mismatch',
        `checkpoint is missing tensor "${hfName}" (parameter "${spec.name}")`,
      );
    }
    if (tensor.shape.length !== spec.shape.length || tensor.shape.some((d, i) => d !== spec.shape[i])) {
      throw new ModelError(
        'checkpoint_mismatch',
        `checkpoint tensor "${hfName}"${where(hfName)} has shape [${tensor.shape.join(', ')}], the config needs [${spec.shape.join(', ')}]`,
      );
    }
    // readSafetensors already copied F32 data; other float types are decoded into a new array.
    parameters.set(spec.name, tensor.dtype === 'F32' ? tensor.data : toFloat32(tensor));
    used.add(hfName);
  }
  for (const hfName of tensors.keys()) {
    if (used.has(hfName) || isDerived(hfName, config)) continue;
    throw new ModelError(
      'checkpoint_mismatch',
      `checkpoint has tensor "${hfName}"${where(hfName)}, which is not a parameter of this config`,
    );
  }
  return parameters;
}

/** Tensors transformers ignores on load: rotary inverse frequencies, and the head copy of a tied embedding. */
function isDerived(hfName: string, config: TransformerConfig): boolean {
  return (
    /^model\.layers\.\d+\.self_attn\.rotary_emb\.inv_freq$/.test(hfName) ||
    (config.tiedHead && hfName === 'lm_head.weight')
  );
}

/** A model read from a Hugging Face Llama or Qwen2 directory. */
export type HfLlamaModel = {
  readonly config: TransformerConfig;
  readonly parameters: ParameterSet;
  /** config.json as read, for the fields our config does not keep (eos_token_id). */
  readonly configJson: Readonly<Record<string, unknown>>;
};

/**
 * Reads `config.json` and the weights (`model.safetensors`, or shards with their index) of a Hugging
 * Face Llama or Qwen2 directory; BF16, F16 and F64 weights become float32.
 */
export async function loadHfLlama(dir: string, options: HfLlamaConfigOptions = {}): Promise<HfLlamaModel> {
  const configPath = join(dir, 'config.json');
  let configJson: Record<string, unknown>;
  try {
    configJson = JSON.parse(await readFile(configPath, 'utf8')) as Record<string, unknown>;
  } catch (error) {
    throw new ModelError('invalid_model_config', `cannot read Llama config ${configPath}: ${String(error)}`, {
      cause: error,
    });
  }
  const config = hfLlamaToTransformerConfig(configJson, options);
  const read = await readHfSafetensors(dir);
  const tensors = new Map([...read].map(([name, entry]) => [name, entry.tensor]));
  const files = new Map([...read].map(([name, entry]) => [name, entry.file]));
  return { config, parameters: mapHfLlamaWeights({ tensors, config, files }), configJson };
}
