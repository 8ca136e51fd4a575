// A Hugging Face Llama-family `config.json` (transformers' LlamaConfig, or Qwen2Config) as our
// TransformerConfig: RMSNorm, SwiGLU, rotary positions with the config's theta and scaling,
// grouped-query attention; no biases (Llama), or biases on q/k/v only (Qwen2, Qwen2.5).

import { z } from 'zod';
import { ModelError } from '../errors.js';
import type { RopeScaling } from './rope-scaling.js';
import { resolveTransformerConfig, type TransformerConfig } from './transformer-config.js';

/** The config.json fields we read; defaults are LlamaConfig's. Other keys (architectures, ids) are ignored. */
const HfLlamaConfigSchema = z.looseObject({
  model_type: z.string().optional().describe('Architecture family: "llama" (the default) or "qwen2".'),
  vocab_size: z.number().int().positive().describe('Number of token ids.'),
  hidden_size: z.number().int().positive().describe('Model width C.'),
  num_hidden_layers: z.number().int().positive().describe('Number of decoder layers L.'),
  num_attention_heads: z.number().int().positive().describe('Query heads H.'),
  num_key_value_heads: z.number().int().positive().nullish().describe('Key/value heads K; defaults to H.'),
  head_dim: z.number().int().positive().nullish().describe('Head size D; must be hidden_size / H.'),
  intermediate_size: z.number().int().positive().describe('MLP width M.'),
  rms_norm_eps: z.number().positive().default(1e-6).describe('RMSNorm epsilon.'),
  rope_theta: z.number().positive().default(10000).describe('Rotary base frequency.'),
  rope_scaling: z.record(z.string(), z.unknown()).nullish().describe('Rotary scaling: linear or llama3.'),
  max_position_embeddings: z.number().int().positive().default(2048).describe('Context length.'),
  tie_word_embeddings: z.boolean().default(false).describe('LM head shares the token embedding.'),
  hidden_act: z.literal('silu').default('silu').describe('MLP activation; SwiGLU needs silu.'),
  attention_bias: z.literal(false).default(false).describe('Biases in q/k/v/o; unsupported.'),
  mlp_bias: z.literal(false).default(false).describe('Biases in the MLP; unsupported.'),
  use_sliding_window: z
    .literal(false)
    .default(false)
    .describe('Qwen2 sliding-window attention; unsupported (we attend to the whole context).'),
});

/** The model_type values that load, and whether the family has biases on q/k/v. */
const FAMILY_QKV_BIAS: Readonly<Record<string, boolean>> = { llama: false, qwen2: true };

/** Options of `hfLlamaToTransformerConfig`. */
export type HfLlamaConfigOptions = {
  /** At most this many positions (smaller rotary tables, less memory); default max_position_embeddings. */
  readonly maxContextLength?: number;
};

/**
 * Our configuration for a Hugging Face Llama or Qwen2 config.json. Throws
 * ModelError('invalid_model_config') naming the field: an unsupported model_type or rope_scaling type,
 * a head_dim other than hidden_size / num_attention_heads, Llama biases, or Qwen2's sliding window.
 */
export function hfLlamaToTransformerConfig(
  configJson: unknown,
  options: HfLlamaConfigOptions = {},
): TransformerConfig {
  const parsed = HfLlamaConfigSchema.safeParse(configJson);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue.path.join('.') || '(root)';
    if (field === 'use_sliding_window')
      throw invalid('use_sliding_window: true is not supported; sliding-window attention is not implemented');
    throw invalid(`${field}: ${issue.message}`);
  }
  const hf = parsed.data;
  const modelType = hf.model_type ?? 'llama';
  if (!Object.hasOwn(FAMILY_QKV_BIAS, modelType)) {
    throw invalid(`model_type "${modelType}" is not supported; only "llama" and "qwen2" checkpoints load`);
  }
  const qkvBias = FAMILY_QKV_BIAS[modelType];
  const headSize = hf.hidden_size / hf.num_attention_heads;
  if (hf.head_dim != null && hf.head_dim !== headSize) {
    throw invalid(
      `head_dim ${hf.head_dim} differs from hidden_size / num_attention_heads = ${headSize}; only the latter is supported`,
    );
  }
  const contextLength = Math.min(hf.max_position_embeddings, options.maxContextLength ?? Infinity);
  const ropeScaling = hf.rope_scaling == null ? undefined : ropeScalingOf(hf.rope_scaling);
  return resolveTransformerConfig({
    vocabSize: hf.vocab_size,
    contextLength,
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
    ...(ropeScaling === undefined ? {} : { ropeScaling }),
    tiedHead: hf.tie_word_embeddings,
    bias: false,
    qkvBias,
  });
}

/** The `rope_scaling` object (type under `rope_type`, or the older `type`) as our RopeScaling. */
function ropeScalingOf(scaling: Record<string, unknown>): RopeScaling | undefined {
  const type = scaling.rope_type ?? scaling.type;
  const number = (key: string): number => {
    const value = scaling[key];
    if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0)
      throw invalid(`rope_scaling.${key} must be a positive number, got ${JSON.stringify(value)}`);
    return value;
  };
  if (type === 'default') return undefined;
  if (type === 'linear') return { type: 'linear', factor: number('factor') };
  if (type === 'llama3') {
    const low = number('low_freq_factor');
    const high = number('high_freq_factor');
    if (!(high > low))
      throw invalid(`rope_scaling.high_freq_factor ${high} must exceed low_freq_factor ${low}`);
    return {
      type: 'llama3',
      factor: number('factor'),
      lowFreqFactor: low,
      highFreqFactor: high,
      originalContextLength: number('original_max_position_embeddings'),
    };
  }
  throw invalid(
    `rope_scaling type ${JSON.stringify(type)} is not supported; supported: linear, llama3 (and null)`,
  );
}

function invalid(problem: string): ModelError {
  return new ModelError('invalid_model_config', `Llama-family config.json ${problem}`);
}
