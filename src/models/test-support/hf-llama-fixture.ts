// Test support: tiny randomly initialised Llama and Qwen2 checkpoints written exactly as transformers'
// save_pretrained lays them out (config.json, model.safetensors or shards with
// model.safetensors.index.json, generation_config.json, tokenizer files). Tensor names are spelled
// out here, independently of the loader's name mapping, so a mapping mistake cannot cancel out.

import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Rng } from '../../engine/random.js';
import { writeSafetensors } from '../../engine/safetensors.js';
import { float32ToBfloat16Bits, type SafetensorsTensor } from '../../engine/safetensors-dtype.js';
import {
  FIXTURE_EOS_ID,
  FIXTURE_TOKENIZER_SIZE,
  fixtureTokenizerConfig,
  fixtureTokenizerJson,
} from './byte-bpe-tokenizer-files.js';

/** The shape of a fixture checkpoint. */
export type HfFixtureOptions = {
  readonly dir: string;
  readonly seed?: number;
  readonly hidden?: number; // C, default 32
  readonly layers?: number; // default 2
  readonly heads?: number; // H, default 4
  readonly kvHeads?: number; // K, default H
  readonly intermediate?: number; // M, default 48
  readonly tied?: boolean; // tie_word_embeddings, default false
  readonly dtype?: 'F32' | 'BF16';
  /** Number of shard files; 1 (default) writes model.safetensors. */
  readonly shards?: number;
  readonly ropeScaling?: Record<string, unknown> | null;
  readonly ropeTheta?: number;
  readonly maxPositions?: number; // default 64
  /** `qwen2` writes a Qwen2Config and biases on q/k/v (as Qwen2ForCausalLM); default `llama`. */
  readonly family?: 'llama' | 'qwen2';
  /** vocab_size, padded beyond the tokenizer as Qwen checkpoints are; default the tokenizer's size. */
  readonly vocabSize?: number;
  /** Leaves out tensors with these names (to test a missing one). */
  readonly omit?: readonly string[];
};

/** What was written: the HF tensors as float32 (after any BF16 rounding), by HF name. */
export type HfFixture = {
  readonly dir: string;
  readonly tensors: ReadonlyMap<string, Float32Array>;
  readonly configJson: Record<string, unknown>;
};

/** Weights are drawn at this std so logits are far from uniform and a wrong mapping shows. */
const FIXTURE_WEIGHT_STD = 0.25;

/** Writes a tiny checkpoint directory and returns its tensors. */
export async function writeHfLlamaFixture(options: HfFixtureOptions): Promise<HfFixture> {
  const C = options.hidden ?? 32;
  const L = options.layers ?? 2;
  const H = options.heads ?? 4;
  const K = options.kvHeads ?? H;
  const M = options.intermediate ?? 48;
  const V = options.vocabSize ?? FIXTURE_TOKENIZER_SIZE;
  const qwen2 = options.family === 'qwen2';
  const D = C / H;
  const tied = options.tied ?? false;
  const rng = new Rng(options.seed ?? 1);
  const tensors = new Map<string, Float32Array>();
  const shapes = new Map<string, number[]>();
  const add = (name: string, shape: number[], base = 0) => {
    const data = new Float32Array(shape.reduce((p, d) => p * d, 1));
    for (let i = 0; i < data.length; i++)
      data[i] = base + rng.normal() * (base === 0 ? FIXTURE_WEIGHT_STD : 0.1);
    tensors.set(name, options.dtype === 'BF16' ? bf16Round(data) : data);
    shapes.set(name, shape);
  };
  add('model.embed_tokens.weight', [V, C]);
  for (let i = 0; i < L; i++) {
    const p = `model.layers.${i}`;
    add(`${p}.input_layernorm.weight`, [C], 1);
    add(`${p}.self_attn.q_proj.weight`, [H * D, C]);
    add(`${p}.self_attn.k_proj.weight`, [K * D, C]);
    add(`${p}.self_attn.v_proj.weight`, [K * D, C]);
    if (qwen2) {
      add(`${p}.self_attn.q_proj.bias`, [H * D]);
      add(`${p}.self_attn.k_proj.bias`, [K * D]);
      add(`${p}.self_attn.v_proj.bias`, [K * D]);
    }
    add(`${p}.self_attn.o_proj.weight`, [C, H * D]);
    add(`${p}.post_attention_layernorm.weight`, [C], 1);
    add(`${p}.mlp.gate_proj.weight`, [M, C]);
    add(`${p}.mlp.up_proj.weight`, [M, C]);
    add(`${p}.mlp.down_proj.weight`, [C, M]);
  }
  add('model.norm.weight', [C], 1);
  if (!tied) add('lm_head.weight', [V, C]);
  for (const name of options.omit ?? []) tensors.delete(name);

  const family = qwen2
    ? {
        architectures: ['Qwen2ForCausalLM'],
        model_type: 'qwen2',
        use_sliding_window: false,
        sliding_window: 32768,
        max_window_layers: L,
      }
    : { architectures: ['LlamaForCausalLM'], model_type: 'llama', attention_bias: false, mlp_bias: false };
  const configJson: Record<string, unknown> = {
    ...family,
    vocab_size: V,
    hidden_size: C,
    intermediate_size: M,
    num_hidden_layers: L,
    num_attention_heads: H,
    num_key_value_heads: K,
    ...(qwen2 ? {} : { head_dim: D }),
    max_position_embeddings: options.maxPositions ?? 64,
    rms_norm_eps: 1e-5,
    rope_theta: options.ropeTheta ?? 10000,
    rope_scaling: options.ropeScaling ?? null,
    hidden_act: 'silu',
    tie_word_embeddings: tied,
    torch_dtype: options.dtype === 'BF16' ? 'bfloat16' : 'float32',
    bos_token_id: null,
    eos_token_id: FIXTURE_EOS_ID,
  };
  await mkdir(options.dir, { recursive: true });
  await writeJson(join(options.dir, 'config.json'), configJson);
  await writeJson(join(options.dir, 'generation_config.json'), {
    eos_token_id: [FIXTURE_EOS_ID],
    do_sample: false,
  });
  await writeJson(join(options.dir, 'tokenizer.json'), fixtureTokenizerJson());
  await writeJson(join(options.dir, 'tokenizer_config.json'), fixtureTokenizerConfig());
  await writeWeights(options, tensors, shapes);
  return { dir: options.dir, tensors, configJson };
}

async function writeWeights(
  options: HfFixtureOptions,
  tensors: ReadonlyMap<string, Float32Array>,
  shapes: ReadonlyMap<string, number[]>,
): Promise<void> {
  const stored = (name: string): SafetensorsTensor => {
    const data = tensors.get(name) as Float32Array;
    const shape = shapes.get(name) as number[];
    return options.dtype === 'BF16'
      ? { dtype: 'BF16', shape, data: Uint16Array.from(data, float32ToBfloat16Bits) }
      : { dtype: 'F32', shape, data: data as Float32Array<ArrayBuffer> };
  };
  const metadata = { format: 'pt' };
  const names = [...tensors.keys()];
  const shards = options.shards ?? 1;
  if (shards === 1) {
    const all = new Map(names.map((name) => [name, stored(name)]));
    await writeFile(join(options.dir, 'model.safetensors'), writeSafetensors(all, metadata));
    return;
  }
  const weightMap: Record<string, string> = {};
  const per = Math.ceil(names.length / shards);
  for (let s = 0; s < shards; s++) {
    const file = `model-${pad5(s + 1)}-of-${pad5(shards)}.safetensors`;
    const part = names.slice(s * per, (s + 1) * per);
    for (const name of part) weightMap[name] = file;
    await writeFile(
      join(options.dir, file),
      writeSafetensors(new Map(part.map((name) => [name, stored(name)])), metadata),
    );
  }
  const totalSize = names.reduce((sum, name) => sum + stored(name).data.byteLength, 0);
  await writeJson(join(options.dir, 'model.safetensors.index.json'), {
    metadata: { total_size: totalSize },
    weight_map: weightMap,
  });
}

function bf16Round(data: Float32Array): Float32Array {
  const view = new Float32Array(1);
  const bits = new Uint32Array(view.buffer);
  return data.map((value) => {
    bits[0] = float32ToBfloat16Bits(value) << 16;
    return view[0];
  });
}

function pad5(n: number): string {
  return String(n).padStart(5, '0');
}

async function writeJson(path: string, value: unknown): Promise<void> {
  await writeFile(path, `${JSON.stringify(value, null, 2)}\n`);
}
