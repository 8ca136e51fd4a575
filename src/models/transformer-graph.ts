// The transformer LM forward pass as an IR graph: pre-norm blocks of attention and MLP.
// Legend: B batch, T time (new tokens), S cached positions, C width, H heads, K key/value heads,
// G = H/K query heads per key/value head, D head size, M MLP width, V vocab.

import type { Graph } from '../engine/graph.js';
import type { Value } from '../engine/ir.js';
import { attention, type AttentionCache } from './attention.js';
import type { TransformerConfig } from './transformer-config.js';
import { parameterSpecs } from './transformer-params.js';

/** Parameter values of a graph under construction, by name. */
export type ParameterValues = ReadonlyMap<string, Value>;

/** Declares every parameter as a float32 graph input named after it. */
export function declareParameters(graph: Graph, config: TransformerConfig): Map<string, Value> {
  const values = new Map<string, Value>();
  for (const spec of parameterSpecs(config))
    values.set(spec.name, graph.input(spec.name, 'float32', spec.shape));
  return values;
}

/** Options of one forward pass. */
export type ForwardOptions = {
  readonly tokens: Value; // (B, T) int64
  readonly positions: Value; // (B, T) int64 absolute positions
  /** With a cache, attention also sees S past positions (decode); without, it is causal over T. */
  readonly cache?: AttentionCache;
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
  let x = g.gather(param('embed.weight'), options.tokens); // (B, T, C)
  if (config.positions === 'learned') x = g.add(x, g.gather(param('pos_embed.weight'), options.positions));
  const keys: Value[] = [];
  const values: Value[] = [];
  for (let i = 0; i < config.layers; i++) {
    const prefix = `layers.${i}`;
    const h = norm(g, config, p, `${prefix}.attn_norm`, x);
    const out = attention(g, config, {
      x: h,
      positions: options.positions,
      linear: (name, input) => linear(g, p, `${prefix}.attn.${name}`, input),
      cache: options.cache === undefined ? undefined : { ...options.cache, layer: i },
    });
    keys.push(out.keys);
    values.push(out.values);
    x = g.add(x, linear(g, p, `${prefix}.attn.o`, out.output)); // (B, T, C)
    x = g.add(x, mlp(g, config, p, prefix, norm(g, config, p, `${prefix}.mlp_norm`, x)));
  }
  return { hidden: norm(g, config, p, 'final_norm', x), keys, values };
}

/** Logits from hidden states through the tied embedding or the separate head: (..., C) → (..., V). */
export function lmHead(g: Graph, config: TransformerConfig, p: ParameterValues, hidden: Value): Value {
  const head = (config.tiedHead ? p.get('embed.weight') : p.get('lm_head.weight')) as Value; // (V, C)
  return g.matmul(hidden, head, { transB: true });
}

/** y = x Wᵀ + b with W stored (out, in). */
export function linear(g: Graph, p: ParameterValues, name: string, x: Value): Value {
  const y = g.matmul(x, p.get(`${name}.weight`) as Value, { transB: true });
  const bias = p.get(`${name}.bias`);
  return bias === undefined ? y : g.add(y, bias);
}

function norm(g: Graph, config: TransformerConfig, p: ParameterValues, name: string, x: Value): Value {
  const weight = p.get(`${name}.weight`) as Value;
  if (config.norm === 'rmsnorm') return g.rmsNorm(x, weight, config.normEpsilon);
  return g.layerNorm(x, weight, p.get(`${name}.bias`) as Value, config.normEpsilon);
}

function mlp(g: Graph, config: TransformerConfig, p: ParameterValues, prefix: string, x: Value): Value {
  if (config.activation === 'swiglu') {
    const gate = g.unary('silu', linear(g, p, `${prefix}.mlp.gate`, x)); // (B, T, M)
    return linear(g, p, `${prefix}.mlp.down`, g.mul(gate, linear(g, p, `${prefix}.mlp.up`, x)));
  }
  return linear(g, p, `${prefix}.mlp.down`, g.unary('gelu', linear(g, p, `${prefix}.mlp.up`, x))); // (B, T, C)
}
