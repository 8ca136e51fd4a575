// Hugging Face Llama checkpoints (transformers' LlamaForCausalLM): config.json → TransformerConfig, and
// safetensors tensor names → our parameter names. Single-file checkpoints only; sharding comes later.

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { ModelError } from '../errors.js';
import { readSafetensors } from '../engine/safetensors.js';
import { toFloat32, type SafetensorsTensor } from '../engine/safetensors-dtype.js';
import { resolveTransformerConfig, type TransformerConfig } from './transformer-config.js';
import { parameterSpecs, type ParameterSet } from './transformer-params.js';

/** The config.json fields we read; defaults are LlamaConfig's. Other keys (architectures, ids) are ignored. */
const HfLlamaConfigSchema = z.looseObject({
  vocab_size: z.number().int().positive().describe('Number of token ids.'),
  hidden_size: z.number().int().positive().describe('Model width C.'),
  num_hidden_layers: z.number().int().positive().describe('Number of decoder layers L.'),
  num_attention_heads: z.number().int().positive().describe('Query heads H.'),
  num_key_value_heads: z.number().int().positive().nullish().describe('Key/value heads K; defaults to H.'),
  head_dim: z.number().int().positive().nullish().describe('Head size D; must be hidden_size / H.'),
  intermediate_size: z.number().int().positive().describe('MLP width M.'),
  rms_norm_eps: z.number().positive().default(1e-6).describe('RMSNorm epsilon.'),
  rope_theta: z.number().positive().default(10000).describe('Rotary base frequency.'),
  rope_scaling: z.unknown().optional().describe('Rotary scaling; only null (none) is supported.'),
  max_position_embeddings: z.number().int().positive().default(2048).describe('Context length.'),
  tie_word_embeddings: z.boolean().default(false).describe('LM head shares the token embedding.'),
  hidden_act: z.literal('silu').default('silu').describe('MLP activation; SwiGLU needs silu.'),
  attention_bias: z.literal(false).default(false).describe('Biases in q/k/v/o; unsupported.'),
  mlp_bias: z.literal(false).default(false).describe('Biases in the MLP; unsupported.'),
});

/**
 * Our configuration for a Hugging Face Llama config.json: RMSNorm, SwiGLU, rotary positions, no
 * biases. Throws ModelError('invalid_model_config') for rope_scaling, a head_dim other than
 * hidden_size / num_attention_heads, or fields our engine cannot represent.
 */
export function hfLlamaToTransformerConfig(configJson: unknown): TransformerConfig {
  const parsed = HfLlamaConfigSchema.safeParse(configJson);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ModelError(
      'invalid_model_config',
      `Llama config.json ${issue.path.join('.') || '(root)'}: ${issue.message}`,
    );
  }
  const hf = parsed.data;
  if (hf.rope_scaling !== undefined && hf.rope_scaling !== null) {
    throw new ModelError(
      'invalid_model_config',
      `Llama config.json rope_scaling ${JSON.stringify(hf.rope_scaling)} is not supported; only null is`,
    );
  }
  const headSize = hf.hidden_size / hf.num_attention_heads;
  if (hf.head_dim != null && hf.head_dim !== headSize) {
    throw new ModelError(
      'invalid_model_config',
      `Llama config.json head_dim ${hf.head_dim} differs from hidden_size / num_attention_heads = ${headSize}; only the latter is supported`,
    );
  }
  return resolveTransformerConfig({
    vocabSize: hf.vocab_size,
    contextLength: hf.max_position_embeddings,
    width: hf.hidden_size,
    layers: hf.num_hidden_layers,
    heads: hf.num_attention_heads,
    kvHeads: hf.num_key_value_heads ?? hf.num_attention_heads,
    mlpWidth: hf.intermediate_size,
    norm: 'rmsnorm',
    normEpsilon: hf.rms_norm_eps,
    activation: 'swiglu',
    positions: 'rotary',
    ropeTheta: hf.rope_theta,
    tiedHead: hf.tie_word_embeddings,
    bias: false,
  });
}

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
};

/**
 * Our parameters from Hugging Face Llama tensors (linear weights are (out, in) in both), decoded to
 * float32. Throws ModelError('checkpoint_mismatch') naming a tensor that is missing, has the wrong
 * shape, or is not a parameter of this config.
 */
export function mapHfLlamaWeights(options: MapHfLlamaWeightsOptions): ParameterSet {
  const { tensors, config } = options;
  const parameters: ParameterSet = new Map();
  const used = new Set<string>();
  for (const spec of parameterSpecs(config)) {
    const hfName = hfLlamaName(spec.name);
    const tensor = tensors.get(hfName);
    if (tensor === undefined) {
      throw new ModelError(
        'checkpoint_mismatch',
        `Llama checkpoint is missing tensor "${hfName}" (parameter "${spec.name}")`,
      );
    }
    if (tensor.shape.length !== spec.shape.length || tensor.shape.some((d, i) => d !== spec.shape[i])) {
      throw new ModelError(
        'checkpoint_mismatch',
        `Llama checkpoint tensor "${hfName}" has shape [${tensor.shape.join(', ')}], the config needs [${spec.shape.join(', ')}]`,
      );
    }
    parameters.set(spec.name, toFloat32(tensor));
    used.add(hfName);
  }
  for (const hfName of tensors.keys()) {
    if (used.has(hfName) || isDerived(hfName, config)) continue;
    throw new ModelError(
      'checkpoint_mismatch',
      `Llama checkpoint has tensor "${hfName}", which is not a parameter of this config`,
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

/** A model read from a Hugging Face Llama directory. */
export type HfLlamaModel = { readonly config: TransformerConfig; readonly parameters: ParameterSet };

/** Reads `config.json` and a single `model.safetensors` from a Hugging Face Llama directory. */
export async function loadHfLlama(dir: string): Promise<HfLlamaModel> {
  const configPath = join(dir, 'config.json');
  let configJson: unknown;
  try {
    configJson = JSON.parse(await readFile(configPath, 'utf8'));
  } catch (error) {
    throw new ModelError('invalid_model_config', `cannot read Llama config ${configPath}: ${String(error)}`, {
      cause: error,
    });
  }
  const config = hfLlamaToTransformerConfig(configJson);
  const { tensors } = readSafetensors(await readFile(join(dir, 'model.safetensors')));
  return { config, parameters: mapHfLlamaWeights({ tensors, config }) };
}
