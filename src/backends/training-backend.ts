// The training backend seam every trainer uses, after the primitives of the Tinker training API:
// forwardBackward, optimStep, sample, computeLogprobs, saveState/loadState. Plain JSON-able data
// throughout, so a remote implementation over HTTP can satisfy the same interface.

import type { SampledSequence, SamplingParams } from '../models/sampler.js';

/** The built-in losses; each is summed over tokens with `weights` as the mask. */
export type LossFnName = 'cross_entropy' | 'importance_sampling' | 'ppo' | 'cispo' | 'dro' | 'gspo';

/** Every built-in loss name, for validation. */
export const LOSS_FN_NAMES: readonly LossFnName[] = [
  'cross_entropy',
  'importance_sampling',
  'ppo',
  'cispo',
  'dro',
  'gspo',
];

/**
 * Per-token inputs of one datum, all the length of `modelInput`: position i of `modelInput` predicts
 * `targetTokens[i]`. `logprobs` are the sampling logprobs q, `advantages` the per-token advantages A.
 */
export type LossFnInputs = {
  readonly targetTokens: readonly number[];
  readonly weights?: readonly number[];
  readonly logprobs?: readonly number[];
  readonly advantages?: readonly number[];
  /** Logprobs of the frozen reference policy, needed when `klCoefficient` > 0. */
  readonly refLogprobs?: readonly number[];
};

/** One training sequence. */
export type Datum = {
  readonly modelInput: readonly number[];
  readonly lossFnInputs: LossFnInputs;
};

/** Loss hyper-parameters: ratio clip thresholds for ppo and cispo, beta for dro. */
export type LossFnConfig = {
  /** Lower bound 1 − ε_low of the importance ratio (ppo, cispo). Default 0.8. */
  readonly clipLowThreshold?: number;
  /** Upper bound 1 + ε_high of the importance ratio (ppo, cispo). Default 1.2. */
  readonly clipHighThreshold?: number;
  /** Weight of the quadratic penalty of dro. Default 0.05. */
  readonly beta?: number;
  /** Weight β of the k3 KL penalty to a frozen reference policy (Schulman 2020); 0 (default) is off. */
  readonly klCoefficient?: number;
  /**
   * The old policy is the current one: the ratio losses read the run's own logprobs, detached, in
   * place of `lossFnInputs.logprobs` (ignored, and not required). The ratio is exactly 1 and its
   * gradient the plain policy gradient. For one update per batch whose sampling logprobs are not the
   * policy's (tempered sampling): it saves the forward pass that would recompute them.
   */
  readonly onPolicy?: boolean;
};

/** What forwardBackward returns: each datum's per-token logprobs, and summed loss metrics. */
export type ForwardBackwardResult = {
  readonly lossFnOutputs: readonly { readonly logprobs: number[] }[];
  /** `loss:sum`, `weights:sum`, and for ratio losses `ratio:mean` and `clipped:fraction` (weighted). */
  readonly metrics: Readonly<Record<string, number>>;
};

/** Optimiser settings of one step (AdamW with decoupled weight decay). */
export type AdamParams = {
  readonly learningRate: number;
  readonly beta1?: number; // default 0.9
  readonly beta2?: number; // default 0.95
  readonly epsilon?: number; // default 1e-8
  readonly weightDecay?: number; // default 0
  /** Apply weight decay to norm gains and biases too (PyTorch's default when given all parameters). */
  readonly decayAllParameters?: boolean;
  /** Clip the global gradient norm to this value before the step; no clipping when absent. */
  readonly gradClipNorm?: number;
};

/** What an optimiser step reports. */
export type OptimStepResult = {
  readonly step: number;
  /** Global gradient norm before clipping. */
  readonly gradNorm: number;
  /** Number of forwardBackward calls whose gradients this step applied. */
  readonly accumulated: number;
};

/** The seam between trainers and where the model lives (local engine, remote trainer). */
export interface TrainingBackend {
  /** Computes the loss and accumulates its gradients; returns per-token logprobs and metrics. */
  forwardBackward(
    datums: readonly Datum[],
    lossFn: LossFnName,
    lossFnConfig?: LossFnConfig,
  ): Promise<ForwardBackwardResult>;
  /** Applies the accumulated gradients with AdamW and clears them. */
  optimStep(params: AdamParams): Promise<OptimStepResult>;
  /** Samples continuations of prompts with the current weights. */
  sample(prompts: readonly (readonly number[])[], params: SamplingParams): Promise<SampledSequence[]>;
  /** Per-token logprobs of whole sequences: result[b][t] = log p(tokens[t + 1] | tokens[..t]). */
  computeLogprobs(sequences: readonly (readonly number[])[]): Promise<number[][]>;
  /** Saves weights, optimiser state, step and RNG state to one file, atomically. */
  saveState(path: string): Promise<void>;
  /** Restores what saveState wrote; the model configuration must match. */
  loadState(path: string): Promise<void>;
}
