// The graphs a language model compiles to: per-token logprobs (for losses and RL), prompt prefill,
// and one decode step against a key/value cache.
// Legend: B batch, T time, S cache slots, C width, K kv heads, D head size, V vocab.

import { Graph } from '../engine/graph.js';
import type { Value } from '../engine/ir.js';
import { loraScale, type LoraConfig } from './lora-config.js';
import type { TransformerConfig } from './transformer-config.js';
import { declareParameters, lmHead, transformerForward, type LoraBranch } from './transformer-graph.js';

/** Name of the int64 scalar that seeds LoRA dropout masks in training graphs. */
export const DROPOUT_SEED_INPUT = 'dropoutSeed';

/**
 * Name of the (B, N) int64 decode input holding the N = `previousTokens` tokens before `tokens`
 * (column k − 1: k places back), for `previousTokenEmbedding` models.
 */
export const PREVIOUS_TOKENS_INPUT = 'previousTokens';

/** Options shared by the graph builders. */
export type LmGraphOptions = {
  /** Adds a LoRA adapter: its A and B become inputs named as in `loraParameterSpecs`. */
  readonly lora?: LoraConfig;
  /** A training graph: with LoRA dropout > 0, declares the int64 scalar input `dropoutSeed`. */
  readonly training?: boolean;
};

/** The LoRA branch of a graph under construction, declaring the dropout seed when it needs one. */
function loraBranch(graph: Graph, options: LmGraphOptions): LoraBranch | undefined {
  const lora = options.lora;
  if (lora === undefined) return undefined;
  if (options.training !== true || lora.dropout === 0) return { scale: loraScale(lora) };
  return {
    scale: loraScale(lora),
    dropout: { rate: lora.dropout, seed: graph.input(DROPOUT_SEED_INPUT, 'int64', []) },
  };
}

/** Graph values of a logprob graph, for adding a loss on top. */
export type LogprobGraph = {
  readonly graph: Graph;
  readonly parameters: Map<string, Value>;
  readonly logprobs: Value; // (B, T): log p(targets[b, t] | tokens[b, ≤t])
};

/**
 * Declares inputs `tokens`, `targets` (B, T) int64 and `positions` (B, T) int64, and computes the
 * log-probability of each target token given the tokens up to and including its position.
 */
export function buildLogprobGraph(config: TransformerConfig, options: LmGraphOptions = {}): LogprobGraph {
  const graph = new Graph();
  const parameters = declareParameters(graph, config, options.lora);
  const tokens = graph.input('tokens', 'int64', ['B', 'T']);
  const targets = graph.input('targets', 'int64', ['B', 'T']);
  const positions = graph.input('positions', 'int64', ['B', 'T']);
  const lora = loraBranch(graph, options);
  const { hidden } = transformerForward(graph, config, parameters, { tokens, positions, lora });
  const logits = lmHead(graph, config, parameters, hidden); // (B, T, V)
  return { graph, parameters, logprobs: graph.targetLogprobs(logits, targets) };
}

/**
 * Every position's next-token logits: inputs `tokens` and `positions` (B, T) int64, output `logits`
 * (B, T, V). The graph exported for other runtimes.
 */
export function buildLogitsGraph(config: TransformerConfig, options: LmGraphOptions = {}): Graph {
  const graph = new Graph();
  const parameters = declareParameters(graph, config, options.lora);
  const tokens = graph.input('tokens', 'int64', ['B', 'T']);
  const positions = graph.input('positions', 'int64', ['B', 'T']);
  const lora = loraBranch(graph, { lora: options.lora });
  const { hidden } = transformerForward(graph, config, parameters, { tokens, positions, lora });
  graph.output('logits', lmHead(graph, config, parameters, hidden)); // (B, T, V)
  return graph;
}

/**
 * Prefill: runs prompts (right-padded) through the model, outputs `logits` (B, V) at the flat row
 * `lastRows[b]` = b·T + (length_b − 1), and every layer's `keys.i` / `values.i` (B, K, T, D).
 */
export function buildPrefillGraph(config: TransformerConfig, options: LmGraphOptions = {}): Graph {
  const graph = new Graph();
  const parameters = declareParameters(graph, config, options.lora);
  const tokens = graph.input('tokens', 'int64', ['B', 'T']);
  const positions = graph.input('positions', 'int64', ['B', 'T']);
  const lastRows = graph.input('lastRows', 'int64', ['B']);
  const lora = loraBranch(graph, { lora: options.lora });
  const result = transformerForward(graph, config, parameters, { tokens, positions, lora });
  const rows = graph.reshape(result.hidden, [-1, config.width]); // (B·T, C)
  graph.output('logits', lmHead(graph, config, parameters, graph.gather(rows, lastRows))); // (B, V)
  result.keys.forEach((k, i) => graph.output(`keys.${i}`, k));
  result.values.forEach((v, i) => graph.output(`values.${i}`, v));
  return graph;
}

/**
 * One decode step: `tokens` and `positions` (B, 1), additive `bias` (B, 1, 1, S) over the cache
 * slots, and each layer's `pastKeys.i` / `pastValues.i` (B, K, S, D); with `previousTokenEmbedding`,
 * also `previousTokens` (B, N), the N tokens before each of `tokens`, nearest first. Outputs
 * `logits` (B, V) and the step's `keys.i` / `values.i` (B, K, 1, D) for the caller to write into
 * its cache.
 */
export function buildDecodeGraph(config: TransformerConfig, options: LmGraphOptions = {}): Graph {
  const graph = new Graph();
  const parameters = declareParameters(graph, config, options.lora);
  const K = config.kvHeads ?? config.heads;
  const D = config.width / config.heads;
  const tokens = graph.input('tokens', 'int64', ['B', 1]);
  const positions = graph.input('positions', 'int64', ['B', 1]);
  const previousTokens = config.previousTokenEmbedding
    ? graph.input(PREVIOUS_TOKENS_INPUT, 'int64', ['B', config.previousTokens])
    : undefined;
  const bias = graph.input('bias', 'float32', ['B', 1, 1, 'S']);
  const pastKeys: Value[] = [];
  const pastValues: Value[] = [];
  for (let i = 0; i < config.layers; i++) {
    pastKeys.push(graph.input(`pastKeys.${i}`, 'float32', ['B', K, 'S', D]));
    pastValues.push(graph.input(`pastValues.${i}`, 'float32', ['B', K, 'S', D]));
  }
  const result = transformerForward(graph, config, parameters, {
    tokens,
    positions,
    previousTokens,
    cache: { bias, pastKeys, pastValues },
    lora: loraBranch(graph, { lora: options.lora }),
  });
  const logits = lmHead(graph, config, parameters, result.hidden); // (B, 1, V)
  graph.output('logits', graph.reshape(logits, [-1, config.vocabSize])); // (B, V)
  result.keys.forEach((k, i) => graph.output(`keys.${i}`, k));
  result.values.forEach((v, i) => graph.output(`values.${i}`, v));
  return graph;
}
