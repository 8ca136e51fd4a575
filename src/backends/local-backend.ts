// The local training backend: the embedded engine on this machine's CPU. One ONNX Runtime session
// run computes the loss, per-token logprobs and the gradient of every trainable parameter (all of
// them, or only a LoRA adapter's, whose base weights are then inputs without gradients); AdamW runs in place.

import { CheckpointError, ModelError } from '../errors.js';
import { gradients } from '../engine/autodiff.js';
import { adamwStep, createAdamState, type AdamState } from '../engine/optim/adamw.js';
import { clipGradNorm, globalGradNorm } from '../engine/optim/grad-clip.js';
import { Rng } from '../engine/random.js';
import { floatTensor, int64Tensor, type Tensor } from '../engine/tensor.js';
import type { LanguageModel } from '../models/language-model.js';
import { buildLogprobGraph, DROPOUT_SEED_INPUT } from '../models/lm-graphs.js';
import { sample, type SampledSequence, type SamplingParams } from '../models/sampler.js';
import { loadCheckpoint, saveCheckpoint } from '../models/checkpoint.js';
import { packDatums, validateDatums } from './datum-batch.js';
import { declareLossInputs, isClippedLoss, lossExpression } from './losses.js';
import { klMean, ratioMetrics } from './loss-metrics.js';
import {
  LOSS_FN_NAMES,
  type AdamParams,
  type Datum,
  type ForwardBackwardResult,
  type LossFnConfig,
  type LossFnName,
  type OptimStepResult,
  type TrainingBackend,
} from './training-backend.js';

/** Options of the local backend. */
export type LocalBackendOptions = {
  readonly model: LanguageModel;
  /** Seed of the backend's own stream (sampling seeds when a request gives none). */
  readonly seed?: number;
  /** Datums per session run; larger calls are split and their gradients summed. Default: all at once. */
  readonly maxDatumsPerRun?: number;
};

/** The embedded-engine implementation of `TrainingBackend`. */
export class LocalTrainingBackend implements TrainingBackend {
  readonly model: LanguageModel;
  private rng: Rng;
  private step = 0;
  private accumulated = 0;
  private readonly maxDatumsPerRun: number;
  private readonly grads = new Map<string, Float32Array>();
  private readonly adam = new Map<string, AdamState>();

  constructor(options: LocalBackendOptions) {
    this.model = options.model;
    this.rng = new Rng(options.seed ?? 0);
    this.maxDatumsPerRun = options.maxDatumsPerRun ?? Number.POSITIVE_INFINITY;
  }

  /** Optimiser steps taken so far. */
  get stepCount(): number {
    return this.step;
  }

  /**
   * Copies of the gradients summed since the last optimiser step, by parameter name in the order of
   * `model.trainableSpecs()` (empty when there are none): what the next `optimStep` would apply, before clipping.
   */
  accumulatedGradients(): Map<string, Float32Array> {
    return new Map([...this.grads].map(([name, grad]) => [name, grad.slice()]));
  }

  async forwardBackward(
    datums: readonly Datum[],
    lossFn: LossFnName,
    lossFnConfig: LossFnConfig = {},
  ): Promise<ForwardBackwardResult> {
    if (!LOSS_FN_NAMES.includes(lossFn)) {
      throw new ModelError(
        'unknown_loss',
        `unknown loss "${String(lossFn)}"; expected one of ${LOSS_FN_NAMES.join(', ')}`,
      );
    }
    if (datums.length === 0)
      throw new ModelError('invalid_argument', 'forwardBackward needs at least one datum');
    const kl = (lossFnConfig.klCoefficient ?? 0) > 0;
    const onPolicy = lossFnConfig.onPolicy === true;
    validateDatums(this.model, datums, lossFn, { kl, onPolicy });
    const scalars = lossScalars(lossFn, lossFnConfig);
    const graph = await this.trainingGraph(lossFn, { kl, onPolicy });
    const outputs: { logprobs: number[] }[] = [];
    let lossSum = 0;
    for (let start = 0; start < datums.length; start += this.maxDatumsPerRun) {
      const chunk = datums.slice(start, start + this.maxDatumsPerRun);
      const batch = packDatums(chunk, lossFn, { kl, onPolicy });
      const out = await graph.run({
        ...this.model.parameterFeeds(),
        ...batch.feeds,
        ...scalars,
        ...this.dropoutSeedFeed(),
      });
      lossSum += (out.loss.data as Float32Array)[0];
      this.accumulate(out);
      const lp = out.logprobs.data as Float32Array;
      chunk.forEach((d, b) =>
        outputs.push({
          logprobs: Array.from(lp.subarray(b * batch.width, b * batch.width + d.modelInput.length)),
        }),
      );
    }
    this.accumulated++;
    const weightSum = datums.reduce(
      (s, d) => s + (d.lossFnInputs.weights ?? d.modelInput.map(() => 1)).reduce((a, w) => a + w, 0),
      0,
    );
    const metrics: Record<string, number> = { 'loss:sum': lossSum, 'weights:sum': weightSum };
    if (lossFn !== 'cross_entropy' && lossFn !== 'dro')
      Object.assign(metrics, ratioMetrics(datums, outputs, lossFnConfig));
    if (kl) metrics['kl:mean'] = klMean(datums, outputs);
    return { lossFnOutputs: outputs, metrics };
  }

  async optimStep(params: AdamParams): Promise<OptimStepResult> {
    if (this.grads.size === 0)
      throw new ModelError('invalid_argument', 'optimStep called with no accumulated gradients');
    checkAdamParams(params); // before clipping scales the gradients in place, so a rejected step leaves them intact
    const specs = this.model.trainableSpecs();
    const trainable = this.model.trainableParameters();
    const grads = specs.map((s) => this.grads.get(s.name) as Float32Array);
    const gradNorm =
      params.gradClipNorm === undefined ? globalGradNorm(grads) : clipGradNorm(grads, params.gradClipNorm);
    if (!Number.isFinite(gradNorm)) {
      this.grads.clear();
      this.accumulated = 0;
      throw new ModelError(
        'invalid_argument',
        `gradient norm is ${gradNorm}; the step was skipped and the gradients dropped`,
      );
    }
    const adamw = {
      learningRate: params.learningRate,
      beta1: params.beta1 ?? 0.9,
      beta2: params.beta2 ?? 0.95,
      epsilon: params.epsilon ?? 1e-8,
      weightDecay: params.weightDecay ?? 0,
    };
    specs.forEach((spec, i) => {
      const param = trainable.get(spec.name) as Float32Array;
      let state = this.adam.get(spec.name);
      if (state === undefined) this.adam.set(spec.name, (state = createAdamState(param.length)));
      const decay = spec.decay || params.decayAllParameters === true ? adamw.weightDecay : 0;
      adamwStep({ param, grad: grads[i], state, params: adamw, weightDecay: decay });
    });
    const accumulated = this.accumulated;
    this.grads.clear();
    this.accumulated = 0;
    this.step++;
    return { step: this.step, gradNorm, accumulated };
  }

  sample(prompts: readonly (readonly number[])[], params: SamplingParams): Promise<SampledSequence[]> {
    const seed = params.seed ?? this.rng.int(2 ** 31);
    // One prompt goes through the model's batching sampler, which merges concurrent episodes' turns
    // into one batch; its row stream is the one a single-prompt batch with this seed draws.
    if (prompts.length === 1)
      return this.model.batchingSampler.sample(prompts[0], { ...params, seed }).then((s) => [s]);
    return sample(this.model, { prompts, params: { ...params, seed } });
  }

  computeLogprobs(sequences: readonly (readonly number[])[]): Promise<number[][]> {
    return this.model.logprobs(sequences);
  }

  async saveState(path: string): Promise<void> {
    await saveCheckpoint(path, {
      config: this.model.config,
      parameters: this.model.trainableParameters(),
      ...(this.model.adapter === undefined ? {} : { lora: this.model.adapter.config }),
      adam: this.adam,
      step: this.step,
      rng: this.rng.getState(),
    });
  }

  async loadState(path: string): Promise<void> {
    const state = await loadCheckpoint(path, this.model.config, this.model.adapter?.config);
    checkStateMatches(path, this.model, state.parameters, state.adam);
    const trainable = this.model.trainableParameters();
    for (const [name, data] of state.parameters) (trainable.get(name) as Float32Array).set(data);
    this.adam.clear();
    for (const [name, adam] of state.adam) this.adam.set(name, adam);
    this.step = state.step;
    this.rng = Rng.fromState(state.rng);
    this.grads.clear();
    this.accumulated = 0;
  }

  private trainingGraph(lossFn: LossFnName, variant: { readonly kl: boolean; readonly onPolicy: boolean }) {
    const { kl, onPolicy } = variant;
    return this.model.compile(`train:${lossFn}${kl ? ':kl' : ''}${onPolicy ? ':on-policy' : ''}`, () => {
      const built = buildLogprobGraph(this.model.config, {
        lora: this.model.adapter?.config,
        training: true,
      });
      const g = built.graph;
      const loss = lossExpression(g, lossFn, built.logprobs, declareLossInputs(g, lossFn, variant));
      g.output('loss', loss);
      g.output('logprobs', built.logprobs);
      // Only trainable values get gradients; frozen base weights stay plain inputs.
      const names = this.model.trainableSpecs().map((spec) => spec.name);
      const grads = gradients(
        g,
        loss,
        names.map((n) => built.parameters.get(n)!),
      );
      names.forEach((name, i) => g.output(`grad.${name}`, grads[i]));
      return g;
    });
  }

  /** A fresh seed for LoRA dropout masks, drawn from the backend's stream, when the adapter uses dropout. */
  private dropoutSeedFeed(): Record<string, Tensor> {
    const adapter = this.model.adapter;
    if (adapter === undefined || adapter.config.dropout === 0) return {};
    return { [DROPOUT_SEED_INPUT]: int64Tensor([this.rng.int(2 ** 31 - 1)], []) };
  }

  private accumulate(out: Record<string, Tensor>): void {
    for (const spec of this.model.trainableSpecs()) {
      const grad = out[`grad.${spec.name}`].data as Float32Array;
      const sum = this.grads.get(spec.name);
      if (sum === undefined)
        this.grads.set(spec.name, grad); // the run's own buffer: no copy
      else for (let i = 0; i < sum.length; i++) sum[i] += grad[i];
    }
  }
}

/** Every parameter (and any moment) present with the right size, before anything is overwritten. */
function checkStateMatches(
  path: string,
  model: LanguageModel,
  parameters: ReadonlyMap<string, Float32Array>,
  adam: ReadonlyMap<string, AdamState>,
): void {
  const specs = model.trainableSpecs();
  const names = new Set(specs.map((s) => s.name));
  for (const name of [...parameters.keys(), ...adam.keys()]) {
    if (!names.has(name))
      throw new CheckpointError('checkpoint_mismatch', `${path}: unexpected tensor "${name}" for this model`);
  }
  for (const spec of specs) {
    const size = spec.shape.reduce((p, d) => p * d, 1);
    const data = parameters.get(spec.name);
    if (data === undefined || data.length !== size) {
      throw new CheckpointError(
        'checkpoint_mismatch',
        `${path}: parameter "${spec.name}" is ${data === undefined ? 'missing' : `${data.length} values, expected ${size}`}`,
      );
    }
    const moments = adam.get(spec.name);
    if (moments !== undefined && (moments.m.length !== size || moments.v.length !== size)) {
      throw new CheckpointError(
        'checkpoint_mismatch',
        `${path}: optimiser moments of "${spec.name}" have the wrong size`,
      );
    }
  }
}

/** Throws ModelError('invalid_argument') naming the first optimiser setting out of range. */
function checkAdamParams(params: AdamParams): void {
  const ranges: [string, number | undefined, (value: number) => boolean][] = [
    ['learningRate', params.learningRate, (v) => v >= 0 && Number.isFinite(v)],
    ['beta1', params.beta1, (v) => v >= 0 && v < 1],
    ['beta2', params.beta2, (v) => v >= 0 && v < 1],
    ['epsilon', params.epsilon, (v) => v >= 0 && Number.isFinite(v)],
    ['weightDecay', params.weightDecay, (v) => v >= 0 && Number.isFinite(v)],
    ['gradClipNorm', params.gradClipNorm, (v) => v > 0 && Number.isFinite(v)],
  ];
  for (const [name, value, valid] of ranges) {
    if (value !== undefined && !valid(value))
      throw new ModelError('invalid_argument', `optimStep: ${name} ${value} is out of range`);
  }
}

function lossScalars(lossFn: LossFnName, config: LossFnConfig): Record<string, Tensor> {
  const low = config.clipLowThreshold ?? 0.8;
  const high = config.clipHighThreshold ?? 1.2;
  const beta = config.beta ?? 0.05;
  if (!(low > 0 && low <= 1 && high >= 1 && Number.isFinite(high))) {
    throw new ModelError(
      'invalid_argument',
      `clip thresholds must satisfy 0 < low <= 1 <= high, got ${low} and ${high}`,
    );
  }
  if (!(beta >= 0 && Number.isFinite(beta)))
    throw new ModelError('invalid_argument', `beta must be >= 0, got ${beta}`);
  const klCoefficient = config.klCoefficient ?? 0;
  if (!(klCoefficient >= 0 && Number.isFinite(klCoefficient)))
    throw new ModelError('invalid_argument', `klCoefficient must be >= 0, got ${klCoefficient}`);
  const scalars: Record<string, Tensor> = {};
  if (klCoefficient > 0) scalars.klCoefficient = floatTensor([klCoefficient], []);
  if (isClippedLoss(lossFn)) {
    scalars.clipLow = floatTensor([low], []);
    scalars.clipHigh = floatTensor([high], []);
  }
  if (lossFn === 'dro') scalars.beta = floatTensor([beta], []);
  return scalars;
}
