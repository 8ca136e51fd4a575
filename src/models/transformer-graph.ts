// The transformer LM forward pass as an IR graph: pre-norm blocks of attention and MLP.
// Legend: B batch, T time (new tokens), S cached positions, C width, H heads, K key/value heads,
// G = H/K query heads per key/value head, D head size, M MLP width, V vocab.

import type { Graph } from '../engine/graph.js';
import type { Value } from '../engine/ir.js';
import { attention, type AttentionCache } from './attention.js';
import type { LoraConfig } from './lora-config.js';
import { loraNames, loraParameterSpecs } from './lora-params.js';
import type { TransformerConfig } from './transformer-config.js';
import { parameterSpecs, previousTokenTable } from './transformer-params.js';

/** Parameter values of a graph under construction, by name. */
export type ParameterValues = ReadonlyMap<string, Value>;

/** Declares every parameter (and every adapter parameter, with `lora`) as a float32 graph input named after it. */
export function declareParameters(
  graph: Graph,
  config: TransformerConfig,
  lora?: LoraConfig,
): Map<string, Value> {
  const values = new Map<string, Value>();
  const specs = [...parameterSpecs(config), ...(lora === undefined ? [] : loraParameterSpecs(config, lora))];
  for (const spec of specs) values.set(spec.name, graph.input(spec.name, 'float32', spec.shape));
  return values;
}

/** How adapted linears compute W x + scale · B (A (dropout(x))) (see lora-params.ts). */
export type LoraBranch = {
  /** alpha / r. */
  readonly scale: number;
  /** Inverted dropout of the adapter input with this step's seed; training graphs only. */
  readonly dropout?: { readonly rate: number; readonly seed: Value };
};

/** Options of one forward pass. */
export type ForwardOptions = {
  readonly tokens: Value; // (B, T) int64
  readonly positions: Value; // (B, T) int64 absolute positions
  /**
   * The tokens before each of `tokens`, for `previousTokenEmbedding` models: (B, N) int64 for a
   * one-token step, column k − 1 the token k places back (N = `previousTokens`); absent, the graph
   * shifts `tokens` right itself (right-padded rows that start at position 0). Decode steps pass it.
   */
  readonly previousTokens?: Value;
  /** With a cache, attention also sees S past positions (decode); without, it is causal over T. */
  readonly cache?: AttentionCache;
  /** Adds the adapter branch to every linear whose A and B are among the parameters. */
  readonly lora?: LoraBranch;
};

/** The result of a forward pass: final hidden states and each layer's new keys and values. */
export type ForwardResult = {
  readonly hidden: Value; // (B, T, C) after the final norm
  readonly keys: Value[]; // per layer (B, K, T, D)
  readonly values: Value[]; // per layer (B, K, T, D)
};

/** Builds the forward pass up to the final norm. */
export function transformerForward(
  g: Graph,
  config: TransformerConfig,
  p: ParameterValues,
  options: ForwardOptions,
): ForwardResult {
  const param = (name: string) => p.get(name) as Value;
  const project = (name: string, input: Value) => linear(g, p, name, input, options.lora);
  let x = g.gather(param('embed.weight'), options.tokens); // (B, T, C)
  if (config.positions === 'learned') x = g.add(x, g.gather(param('pos_embed.weight'), options.positions));
  if (config.previousTokenEmbedding) {
    for (let k = 1; k <= config.previousTokens; k++)
      x = g.add(x, previousTokenEmbedding(g, param(previousTokenTable(k)), k, options));
  }
  const keys: Value[] = [];
  const values: Value[] = [];
  for (let i = 0; i < config.layers; i++) {
    const prefix = `layers.${i}`;
    const h = norm(g, config, p, `${prefix}.attn_norm`, x);
    const out = attention(g, config, {
      x: h,
      positions: options.positions,
      linear: (name, input) => project(`${prefix}.attn.${name}`, input),
      cache: options.cache === undefined ? undefined : { ...options.cache, layer: i },
    });
    keys.push(out.keys);
    values.push(out.values);
    x = g.add(x, project(`${prefix}.attn.o`, out.output)); // (B, T, C)
    x = g.add(x, mlp(g, config, project, prefix, norm(g, config, p, `${prefix}.mlp_norm`, x)));
  }
  return { hidden: norm(g, config, p, 'final_norm', x), keys, values };
}

/**
 * E_k[token at t − k] for each position t (B, T, C); zero at positions below k, which have no token
 * k places back. Without `previousTokens`, column t − k of the same batch row supplies it.
 */
function previousTokenEmbedding(g: Graph, table: Value, k: number, options: ForwardOptions): Value {
  // Shifting the int64 ids (not the embeddings) keeps the shift off the gradient path.
  const shifted = () => g.reshapeLike(g.slice(g.pad(options.tokens, 1, k, 0), 1, 0, -k), options.tokens);
  const given = options.previousTokens;
  const previous = g.gather(table, given === undefined ? shifted() : g.slice(given, 1, k - 1, k)); // (B, T, C)
  const hasPrevious = g.compare('greater', options.positions, g.constant([k - 1], [], 'int64')); // (B, T)
  return g.mul(previous, g.reshape(g.cast(hasPrevious, 'float32'), [0, 0, 1]));
}

/** Logits from hidden states through the tied embedding or the separate head: (..., C) → (..., V). */
export function lmHead(g: Graph, config: TransformerConfig, p: ParameterValues, hidden: Value): Value {
  const head = (config.tiedHead ? p.get('embed.weight') : p.get('lm_head.weight')) as Value; // (V, C)
  return g.matmul(hidden, head, { transB: true });
}

/**
 * y = x Wᵀ + b with W stored (out, in); when the parameters hold the layer's adapter A (r, in) and
 * B (out, r), plus scale · (dropout(x) Aᵀ) Bᵀ (Hu et al. 2021, arXiv:2106.09685).
 */
export function linear(g: Graph, p: ParameterValues, name: string, x: Value, lora?: LoraBranch): Value {
  let y = g.matmul(x, p.get(`${name}.weight`) as Value, { transB: true }); // (..., out)
  const bias = p.get(`${name}.bias`);
  if (bias !== undefined) y = g.add(y, bias);
  const names = loraNames(name);
  const a = p.get(names.a);
  const b = p.get(names.b);
  if (lora === undefined || a === undefined || b === undefined) return y;
  let input = x; // (..., in)
  if (lora.dropout !== undefined && lora.dropout.rate > 0) {
    const mask = g.dropoutMask(x, lora.dropout.seed, { rate: lora.dropout.rate, salt: nameSalt(name) });
    input = g.mul(x, mask);
  }
  const down = g.matmul(input, a, { transB: true }); // (..., r)
  const up = g.matmul(down, b, { transB: true }); // (..., out)
  return g.add(y, g.mul(up, g.scalar(lora.scale)));
}

/** A distinct dropout salt per layer name (FNV-1a, below 2^31 − 1), so each adapter draws its own mask. */
function nameSalt(name: string): number {
  let hash = 2166136261;
  for (let i = 0; i < name.length; i++) hash = Math.imul(hash ^ name.charCodeAt(i), 16777619);
  return (hash >>> 0) % 2147483647;
}

function norm(g: Graph, config: TransformerConfig, p: ParameterValues, name: string, x: Value): Value {
  const weight = p.get(`${name}.weight`) as Value;
  if (config.norm === 'rmsnorm') return g.rmsNorm(x, weight, config.normEpsilon);
  return g.layerNorm(x, weight, p.get(`${name}.bias`) as Value, config.normEpsilon);
}

function mlp(
  g: Graph,
  config: TransformerConfig,
  project: (name: string, x: Value) => Value,
  prefix: string,
  x: Value,
): Value {
  if (config.activation === 'swiglu') {
    const gate = g.unary('silu', project(`${prefix}.mlp.gate`, x)); // (B, T, M)
    return project(`${prefix}.mlp.down`, g.mul(gate, project(`${prefix}.mlp.up`, x)));
  }
  return project(`${prefix}.mlp.down`, g.unary('gelu', project(`${prefix}.mlp.up`, x))); // (B, T, C)
}
