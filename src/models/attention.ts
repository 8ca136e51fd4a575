// Multi-head causal self-attention with grouped-query heads, rotary positions (the Hugging Face
// "rotate half" convention) and a key/value cache for decoding.
// Legend: B batch, T new positions, S cached positions, C width, H heads, K kv heads, G = H/K, D head size.

import { EngineError } from '../errors.js';
import type { Graph } from '../engine/graph.js';
import type { Value } from '../engine/ir.js';
import { rotaryInverseFrequencies } from './rope-scaling.js';
import type { TransformerConfig } from './transformer-config.js';

/** A decode-step cache: additive bias over cached slots and each layer's past keys and values. */
export type AttentionCache = {
  readonly bias: Value; // (B, 1, 1, S), 0 for valid slots and MASK_VALUE for empty ones
  readonly pastKeys: readonly Value[]; // per layer (B, K, S, D)
  readonly pastValues: readonly Value[]; // per layer (B, K, S, D)
};

/** Inputs of one attention layer. */
export type AttentionOptions = {
  readonly x: Value; // (B, T, C) normalised input
  readonly positions: Value; // (B, T) int64
  readonly linear: (name: 'q' | 'k' | 'v', x: Value) => Value;
  readonly cache?: AttentionCache & { readonly layer: number };
};

/** Attention output before the output projection, and this layer's new keys and values. */
export type AttentionResult = { readonly output: Value; readonly keys: Value; readonly values: Value };

/** One attention layer. Without a cache it is causal over T; with one, T must be 1. */
export function attention(g: Graph, config: TransformerConfig, options: AttentionOptions): AttentionResult {
  const H = config.heads;
  const K = config.kvHeads ?? H;
  const D = config.width / H;
  const G = H / K;
  let q = splitHeads(g, options.linear('q', options.x), H, D); // (B, H, T, D)
  let k = splitHeads(g, options.linear('k', options.x), K, D); // (B, K, T, D)
  const v = splitHeads(g, options.linear('v', options.x), K, D); // (B, K, T, D)
  if (config.positions === 'rotary') {
    const [cos, sin] = rotaryTables(g, config, options.positions); // (B, 1, T, D)
    q = rotate(g, q, cos, sin, D);
    k = rotate(g, k, cos, sin, D);
  }
  const grouped = (t: Value) => (G === 1 ? t : g.reshape(t, [0, 0, 1, -1, D])); // (B, K, 1, T, D)
  const qg = G === 1 ? q : g.reshape(q, [0, K, G, -1, D]); // (B, K, G, T, D)
  const scale = g.scalar(1 / Math.sqrt(D));
  let out: Value;
  if (options.cache === undefined) {
    const scores = g.mul(g.matmul(qg, grouped(k), { transB: true }), scale); // (B, [K, G | H], T, T)
    const probs = g.softmax(g.add(scores, g.causalMask(scores)));
    out = g.matmul(probs, grouped(v)); // (B, [K, G | H], T, D)
  } else {
    if (options.x.shape[1] !== 1) {
      throw new EngineError(
        'invalid_graph',
        `attention with a cache decodes one position at a time, got T=${options.x.shape[1]}`,
      );
    }
    const { bias, pastKeys, pastValues, layer } = options.cache;
    const biasG = G === 1 ? bias : g.reshape(bias, [0, 1, 1, 1, -1]); // broadcast over heads
    const past = g.add(g.mul(g.matmul(qg, grouped(pastKeys[layer]), { transB: true }), scale), biasG); // (…, 1, S)
    const own = g.mul(g.matmul(qg, grouped(k), { transB: true }), scale); // (…, 1, 1)
    const probs = g.softmax(g.concat([past, own], -1)); // (…, 1, S + 1)
    const pastProbs = g.slice(probs, -1, 0, -1); // (…, 1, S)
    const ownProbs = g.slice(probs, -1, -1, Number.MAX_SAFE_INTEGER); // (…, 1, 1)
    out = g.add(g.matmul(pastProbs, grouped(pastValues[layer])), g.matmul(ownProbs, grouped(v))); // (…, 1, D)
  }
  if (G !== 1) out = g.reshape(out, [0, H, -1, D]); // (B, H, T, D)
  const merged = g.reshape(g.transpose(out, [0, 2, 1, 3]), [0, 0, config.width]); // (B, T, C)
  return { output: merged, keys: k, values: v };
}

function splitHeads(g: Graph, x: Value, heads: number, D: number): Value {
  return g.transpose(g.reshape(x, [0, 0, heads, D]), [0, 2, 1, 3]); // (B, T, C') → (B, heads, T, D)
}

/** cos and sin of position × inverse frequency, duplicated over both halves: (B, 1, T, D). */
function rotaryTables(g: Graph, config: TransformerConfig, positions: Value): [Value, Value] {
  const D = config.width / config.heads;
  const half = D / 2;
  const rows = config.contextLength;
  const cos = new Array<number>(rows * D);
  const sin = new Array<number>(rows * D);
  const frequencies = rotaryInverseFrequencies({
    headSize: D,
    theta: config.ropeTheta,
    scaling: config.ropeScaling,
  });
  for (let t = 0; t < rows; t++) {
    for (let i = 0; i < half; i++) {
      const angle = t * frequencies[i];
      cos[t * D + i] = cos[t * D + i + half] = Math.cos(angle);
      sin[t * D + i] = sin[t * D + i + half] = Math.sin(angle);
    }
  }
  const lookup = (table: number[]) => {
    const rowsOf = g.gather(g.constant(table, [rows, D]), positions); // (B, T, D)
    return g.reshape(rowsOf, [0, 1, -1, D]); // (B, 1, T, D)
  };
  return [lookup(cos), lookup(sin)];
}

/** x·cos + rotate_half(x)·sin, rotate_half(x) = concat(−x₂, x₁) over the head axis. */
function rotate(g: Graph, x: Value, cos: Value, sin: Value, D: number): Value {
  const half = D / 2;
  const x1 = g.slice(x, -1, 0, half);
  const x2 = g.slice(x, -1, half, D);
  const rotated = g.concat([g.neg(x2), x1], -1); // (B, heads, T, D)
  return g.add(g.mul(x, cos), g.mul(rotated, sin));
}
