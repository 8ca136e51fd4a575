// The parameters of the transformer LM: names, shapes and initialisation (GPT-2: N(0, 0.02), residual
// output projections scaled by 1/√(2L), norms at one, biases at zero). Linear weights are (out, in).

import { Rng } from '../engine/random.js';
import type { TransformerConfig } from './transformer-config.js';

/** How one parameter is initialised (`uniform`: U(−bound, bound), as LoRA's A). */
export type ParameterInit =
  | { readonly kind: 'normal'; readonly std: number }
  | { readonly kind: 'uniform'; readonly bound: number }
  | { readonly kind: 'zeros' }
  | { readonly kind: 'ones' };

/** A parameter's name, shape and initialisation; `decay` is false for norms and biases. */
export type ParameterSpec = {
  readonly name: string;
  readonly shape: readonly number[];
  readonly init: ParameterInit;
  readonly decay: boolean;
};

/** Named parameter tensors, in the order of `parameterSpecs`. */
export type ParameterSet = Map<string, Float32Array>;

/** Head size D = C / H. */
export function headSize(config: TransformerConfig): number {
  return config.width / config.heads;
}

/** Every parameter of a model with this configuration, in a fixed order. */
export function parameterSpecs(config: TransformerConfig): ParameterSpec[] {
  const { vocabSize: V, width: C, mlpWidth: M, layers: L } = config;
  const kvWidth = (config.kvHeads ?? config.heads) * headSize(config);
  const std = config.initStd;
  const residualStd = std / Math.sqrt(2 * L);
  const specs: ParameterSpec[] = [];
  const weight = (name: string, shape: number[], s = std) =>
    specs.push({ name, shape, init: { kind: 'normal', std: s }, decay: true });
  const bias = (name: string, size: number, present = config.bias) => {
    if (present) specs.push({ name, shape: [size], init: { kind: 'zeros' }, decay: false });
  };
  const qkvBias = config.bias || config.qkvBias; // Qwen2: q/k/v biased, o and the MLP not
  const norm = (name: string) => {
    specs.push({ name: `${name}.weight`, shape: [C], init: { kind: 'ones' }, decay: false });
    if (config.norm === 'layernorm')
      specs.push({ name: `${name}.bias`, shape: [C], init: { kind: 'zeros' }, decay: false });
  };

  weight('embed.weight', [V, C]);
  if (config.previousTokenEmbedding) {
    for (let k = 1; k <= config.previousTokens; k++) weight(previousTokenTable(k), [V, C]);
  }
  if (config.positions === 'learned') weight('pos_embed.weight', [config.contextLength, C]);
  for (let i = 0; i < L; i++) {
    const p = `layers.${i}`;
    norm(`${p}.attn_norm`);
    weight(`${p}.attn.q.weight`, [C, C]);
    bias(`${p}.attn.q.bias`, C, qkvBias);
    weight(`${p}.attn.k.weight`, [kvWidth, C]);
    bias(`${p}.attn.k.bias`, kvWidth, qkvBias);
    weight(`${p}.attn.v.weight`, [kvWidth, C]);
    bias(`${p}.attn.v.bias`, kvWidth, qkvBias);
    weight(`${p}.attn.o.weight`, [C, C], residualStd);
    bias(`${p}.attn.o.bias`, C);
    norm(`${p}.mlp_norm`);
    if (config.activation === 'swiglu') weight(`${p}.mlp.gate.weight`, [M, C]);
    weight(`${p}.mlp.up.weight`, [M, C]);
    bias(`${p}.mlp.up.bias`, M);
    weight(`${p}.mlp.down.weight`, [C, M], residualStd);
    bias(`${p}.mlp.down.bias`, C);
  }
  norm('final_norm');
  if (!config.tiedHead) weight('lm_head.weight', [V, C]);
  return specs;
}

/** Fresh parameters drawn from a seeded generator: the same seed gives the same model. */
export function initParameters(config: TransformerConfig, seed: number): ParameterSet {
  const rng = new Rng(seed);
  const params: ParameterSet = new Map();
  for (const spec of parameterSpecs(config)) {
    const size = spec.shape.reduce((p, d) => p * d, 1);
    const data = new Float32Array(size);
    if (spec.init.kind === 'ones') data.fill(1);
    else if (spec.init.kind === 'normal')
      for (let i = 0; i < size; i++) data[i] = rng.normal() * spec.init.std;
    params.set(spec.name, data);
  }
  return params;
}

/** Total number of scalar parameters. */
export function parameterCount(config: TransformerConfig): number {
  return parameterSpecs(config).reduce((n, s) => n + s.shape.reduce((p, d) => p * d, 1), 0);
}

/** The embedding table of the token k places back: prev_embed for k = 1, prev_embed_k beyond. */
export function previousTokenTable(k: number): string {
  return k === 1 ? 'prev_embed.weight' : `prev_embed_${k}.weight`;
}
