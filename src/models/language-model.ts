// A transformer LM bound to its parameters: compiles its graphs once (per process and shape family)
// and runs logprobs, prefill and decode steps on ONNX Runtime.

import { ModelError } from '../errors.js';
import { compileGraph, type CompiledGraph } from '../engine/onnx-executor.js';
import { floatTensor, int64Tensor, type Tensor } from '../engine/tensor.js';
import type { Graph } from '../engine/graph.js';
import { BatchingSampler } from './batching-sampler.js';
import { buildDecodeGraph, buildLogprobGraph, buildPrefillGraph } from './lm-graphs.js';
import { loraParameterSpecs, trainableParameterSpecs, type LoraAdapter } from './lora-params.js';
import { resolveTransformerConfig, type TransformerConfig } from './transformer-config.js';
import {
  initParameters,
  parameterSpecs,
  type ParameterSet,
  type ParameterSpec,
} from './transformer-params.js';

/** The graphs every model compiles; more (training steps) are added by backends through `compile`. */
type BuiltinGraph = 'logprobs' | 'prefill' | 'decode';

/** Options for creating a model. */
export type LanguageModelOptions = {
  readonly config: TransformerConfig | Record<string, unknown>;
  /** Parameters to use; freshly initialised from `seed` when absent. */
  readonly parameters?: ParameterSet;
  readonly seed?: number;
  /** ONNX Runtime intra-op threads; all cores when absent. */
  readonly threads?: number;
  /** A LoRA adapter on the parameters: every graph adds its branch, and training updates only it. */
  readonly adapter?: LoraAdapter;
  /**
   * Ids the sampler may choose: those below this. For checkpoints whose vocab_size is padded beyond
   * their tokenizer (the padding ids decode to nothing). Default: the whole vocabulary.
   */
  readonly samplableVocabSize?: number;
};

/** A transformer language model and its compiled graphs. Parameters are updated in place by optimisers. */
export class LanguageModel {
  readonly config: TransformerConfig;
  readonly parameters: ParameterSet;
  readonly threads?: number;
  readonly adapter?: LoraAdapter;
  /** Ids at or above this are never sampled (see LanguageModelOptions). */
  readonly samplableVocabSize: number;
  private readonly compiled = new Map<string, Promise<CompiledGraph>>();
  private batching?: BatchingSampler;

  constructor(options: LanguageModelOptions) {
    this.config = resolveTransformerConfig(options.config);
    this.parameters = options.parameters ?? initParameters(this.config, options.seed ?? 0);
    this.threads = options.threads;
    this.adapter = options.adapter;
    this.samplableVocabSize = options.samplableVocabSize ?? this.config.vocabSize;
    if (
      !Number.isInteger(this.samplableVocabSize) ||
      this.samplableVocabSize < 1 ||
      this.samplableVocabSize > this.config.vocabSize
    ) {
      throw new ModelError(
        'invalid_model_config',
        `samplableVocabSize ${this.samplableVocabSize} must be an integer in [1, vocabSize ${this.config.vocabSize}]`,
      );
    }
    checkParameters(parameterSpecs(this.config), this.parameters, 'parameter');
    if (this.adapter !== undefined)
      checkParameters(
        loraParameterSpecs(this.config, this.adapter.config),
        this.adapter.parameters,
        'adapter',
      );
  }

  /** Parameters (and adapter) as graph feeds; they share memory with the maps, so updates show through. */
  parameterFeeds(): Record<string, Tensor> {
    const feeds: Record<string, Tensor> = {};
    for (const spec of parameterSpecs(this.config)) {
      feeds[spec.name] = floatTensor(this.parameters.get(spec.name) as Float32Array, spec.shape);
    }
    if (this.adapter !== undefined) {
      for (const spec of loraParameterSpecs(this.config, this.adapter.config))
        feeds[spec.name] = floatTensor(this.adapter.parameters.get(spec.name) as Float32Array, spec.shape);
    }
    return feeds;
  }

  /** What training updates: the adapter's parameters with an adapter, else every parameter. */
  trainableSpecs(): ParameterSpec[] {
    return trainableParameterSpecs(this.config, this.adapter?.config);
  }

  /** The tensors of `trainableSpecs`, by name (shared, not copied). */
  trainableParameters(): ParameterSet {
    return this.adapter?.parameters ?? this.parameters;
  }

  /** The model's shared batching sampler: concurrent single-prompt requests share decode steps. */
  get batchingSampler(): BatchingSampler {
    this.batching ??= new BatchingSampler(this);
    return this.batching;
  }

  /** Compiles (once per key) a graph built by `build`, with the given outputs. */
  compile(key: string, build: () => Graph, outputs?: readonly string[]): Promise<CompiledGraph> {
    let compiled = this.compiled.get(key);
    if (compiled === undefined) {
      compiled = compileGraph(build(), { outputs, threads: this.threads });
      compiled.catch(() => this.compiled.delete(key));
      this.compiled.set(key, compiled);
    }
    return compiled;
  }

  /** One of the model's own graphs, compiled. */
  graph(kind: BuiltinGraph): Promise<CompiledGraph> {
    if (kind === 'logprobs') {
      return this.compile('logprobs', () => {
        const built = buildLogprobGraph(this.config, { lora: this.adapter?.config });
        built.graph.output('logprobs', built.logprobs);
        return built.graph;
      });
    }
    const options = { lora: this.adapter?.config };
    return this.compile(kind, () =>
      kind === 'prefill' ? buildPrefillGraph(this.config, options) : buildDecodeGraph(this.config, options),
    );
  }

  /**
   * Log-probability of every token after the first of each sequence, given the tokens before it:
   * result[b][t] = log p(sequences[b][t + 1] | sequences[b][0..t]).
   */
  async logprobs(sequences: readonly (readonly number[])[]): Promise<number[][]> {
    if (sequences.length === 0) return [];
    const batch = packSequences(this, sequences);
    const graph = await this.graph('logprobs');
    const out = await graph.run({ ...this.parameterFeeds(), ...batch.feeds });
    const data = out.logprobs.data as Float32Array;
    return sequences.map((s, b) =>
      Array.from(data.subarray(b * batch.width, b * batch.width + s.length - 1)),
    );
  }

  /** Throws ModelError('token_out_of_range') for an id outside [0, vocabSize), naming where it is. */
  checkTokens(tokens: readonly number[], context: string): void {
    for (let i = 0; i < tokens.length; i++) {
      const t = tokens[i];
      if (!Number.isInteger(t) || t < 0 || t >= this.config.vocabSize) {
        throw new ModelError(
          'token_out_of_range',
          `${context}: token id ${t} at position ${i} is outside the vocabulary [0, ${this.config.vocabSize})`,
        );
      }
    }
  }

  /** Releases the compiled sessions. */
  async dispose(): Promise<void> {
    const all = [...this.compiled.values()];
    this.compiled.clear();
    await Promise.all(all.map(async (c) => (await c).dispose()));
  }
}

/** Right-padded `tokens`, `targets` (the next token) and `positions` feeds for sequences of length ≥ 2. */
export function packSequences(
  model: LanguageModel,
  sequences: readonly (readonly number[])[],
): { feeds: Record<string, Tensor>; width: number } {
  const width = Math.max(...sequences.map((s) => s.length - 1));
  sequences.forEach((s, b) => {
    if (s.length < 2)
      throw new ModelError('invalid_argument', `sequence ${b} needs at least two tokens, got ${s.length}`);
    if (s.length > model.config.contextLength + 1) {
      throw new ModelError(
        'sequence_too_long',
        `sequence ${b} has ${s.length - 1} positions, the model context is ${model.config.contextLength}`,
      );
    }
    model.checkTokens(s, `sequence ${b}`);
  });
  const B = sequences.length;
  const tokens = new BigInt64Array(B * width);
  const targets = new BigInt64Array(B * width);
  const positions = new BigInt64Array(B * width);
  sequences.forEach((s, b) => {
    for (let t = 0; t < width; t++) {
      const inside = t < s.length - 1;
      tokens[b * width + t] = BigInt(inside ? s[t] : 0);
      targets[b * width + t] = BigInt(inside ? s[t + 1] : 0);
      positions[b * width + t] = BigInt(t);
    }
  });
  return {
    width,
    feeds: {
      tokens: int64Tensor(tokens, [B, width]),
      targets: int64Tensor(targets, [B, width]),
      positions: int64Tensor(positions, [B, width]),
    },
  };
}

function checkParameters(specs: readonly ParameterSpec[], parameters: ParameterSet, what: string): void {
  for (const spec of specs) {
    const data = parameters.get(spec.name);
    const size = spec.shape.reduce((p, d) => p * d, 1);
    if (data === undefined) throw new ModelError('checkpoint_mismatch', `${what} "${spec.name}" is missing`);
    if (data.length !== size) {
      throw new ModelError(
        'checkpoint_mismatch',
        `${what} "${spec.name}" has ${data.length} values, the config needs [${spec.shape.join(', ')}] = ${size}`,
      );
    }
  }
  const known = new Set(specs.map((s) => s.name));
  for (const name of parameters.keys()) {
    if (!known.has(name))
      throw new ModelError('checkpoint_mismatch', `unexpected ${what} "${name}" for this model config`);
  }
}
