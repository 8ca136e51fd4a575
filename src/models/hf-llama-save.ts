// Writes a Llama-style model in Hugging Face layout (transformers' save_pretrained): `config.json`
// with LlamaConfig keys (Qwen2Config keys for a model with q/k/v biases) and `model.safetensors` with
// HF tensor names, float32 or bfloat16.

import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../engine/atomic-file.js';
import { writeSafetensors } from '../engine/safetensors.js';
import { float32ToBfloat16Bits, type SafetensorsTensor } from '../engine/safetensors-dtype.js';
import { ModelError } from '../errors.js';
import { hfLlamaName } from './hf-llama-weights.js';
import type { TransformerConfig } from './transformer-config.js';
import { parameterSpecs, type ParameterSet } from './transformer-params.js';

/**
 * The config.json of a Llama-style configuration: a LlamaConfig, or a Qwen2Config when only q/k/v
 * have biases (`qkvBias`); `extra` keys (eos_token_id …) are added.
 */
export function transformerConfigToHfLlama(
  config: TransformerConfig,
  extra: Readonly<Record<string, unknown>> = {},
): Record<string, unknown> {
  if (
    config.norm !== 'rmsnorm' ||
    config.activation !== 'swiglu' ||
    config.positions !== 'rotary' ||
    config.bias
  ) {
    throw new ModelError(
      'invalid_model_config',
      'only Llama-style models (rmsnorm, swiglu, rotary positions, no biases or q/k/v biases) save in Hugging Face layout',
    );
  }
  if (config.previousTokenEmbedding) {
    throw new ModelError(
      'invalid_model_config',
      'a model with previousTokenEmbedding has no Hugging Face Llama or Qwen2 equivalent (its prev_embed table would be lost); keep it as a stateset-agents checkpoint',
    );
  }
  const scaling = config.ropeScaling;
  // Qwen2Config has no attention_bias / mlp_bias keys: its q/k/v biases are part of the architecture.
  const family = config.qkvBias
    ? { architectures: ['Qwen2ForCausalLM'], model_type: 'qwen2', use_sliding_window: false }
    : { architectures: ['LlamaForCausalLM'], model_type: 'llama', attention_bias: false, mlp_bias: false };
  return {
    ...family,
    vocab_size: config.vocabSize,
    hidden_size: config.width,
    intermediate_size: config.mlpWidth,
    num_hidden_layers: config.layers,
    num_attention_heads: config.heads,
    num_key_value_heads: config.kvHeads ?? config.heads,
    head_dim: config.width / config.heads,
    max_position_embeddings: config.contextLength,
    rms_norm_eps: config.normEpsilon,
    rope_theta: config.ropeTheta,
    rope_scaling:
      scaling === undefined
        ? null
        : scaling.type === 'linear'
          ? { rope_type: 'linear', factor: scaling.factor }
          : {
              rope_type: 'llama3',
              factor: scaling.factor,
              low_freq_factor: scaling.lowFreqFactor,
              high_freq_factor: scaling.highFreqFactor,
              original_max_position_embeddings: scaling.originalContextLength,
            },
    hidden_act: 'silu',
    tie_word_embeddings: config.tiedHead,
    torch_dtype: 'float32',
    ...extra,
  };
}

/** What `saveHfLlama` writes. */
export type SaveHfLlamaOptions = {
  readonly dir: string;
  readonly config: TransformerConfig;
  readonly parameters: ParameterSet;
  /** Tensor type in the file; default F32. */
  readonly dtype?: 'F32' | 'BF16';
  /** Keys added to config.json, such as eos_token_id and bos_token_id. */
  readonly extraConfig?: Readonly<Record<string, unknown>>;
};

/** Writes `config.json` and `model.safetensors` into `dir`, each atomically. */
export async function saveHfLlama(options: SaveHfLlamaOptions): Promise<void> {
  const { dir, config, parameters } = options;
  const dtype = options.dtype ?? 'F32';
  const configJson = transformerConfigToHfLlama(config, {
    ...options.extraConfig,
    torch_dtype: dtype === 'BF16' ? 'bfloat16' : 'float32',
  });
  const tensors = new Map<string, SafetensorsTensor>();
  for (const spec of parameterSpecs(config)) {
    const data = parameters.get(spec.name) as Float32Array<ArrayBuffer>;
    tensors.set(
      hfLlamaName(spec.name),
      dtype === 'BF16'
        ? { dtype: 'BF16', shape: spec.shape, data: Uint16Array.from(data, float32ToBfloat16Bits) }
        : { dtype: 'F32', shape: spec.shape, data },
    );
  }
  await mkdir(dir, { recursive: true });
  await writeFileAtomic(join(dir, 'model.safetensors'), writeSafetensors(tensors, { format: 'pt' }));
  await writeFileAtomic(join(dir, 'config.json'), `${JSON.stringify(configJson, null, 2)}\n`);
}
