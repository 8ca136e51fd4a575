// The update of one step: for each epoch, forwardBackward over the batch in micro-batches (gradients
// accumulate; the datum weights already normalise the whole batch) and one optimiser step. Later
// epochs reuse the stored old logprobs, so their importance ratios measure the drift (PPO). A
// supervised batch, when given, adds its cross-entropy gradient before each optimiser step (PPO-ptx).

import type {
  AdamParams,
  Datum,
  LossFnConfig,
  LossFnName,
  TrainingBackend,
} from '../backends/training-backend.js';

/** Options of `updatePolicy`. */
export type PolicyUpdateOptions = {
  readonly backend: TrainingBackend;
  readonly datums: readonly Datum[];
  readonly lossFn: LossFnName;
  readonly lossFnConfig: LossFnConfig;
  readonly adam: AdamParams;
  readonly epochs: number;
  /** Datums per forwardBackward call; 0: all at once. */
  readonly microBatchSize: number;
  /**
   * `cross_entropy` datums whose gradient joins the policy's in every epoch, their weights already
   * scaled by the supervised term's coefficient (`supervisedDatums`).
   */
  readonly supervised?: readonly Datum[];
};

/** What the update measured, over all its epochs. */
export type PolicyUpdateResult = {
  /** Mean over epochs of the summed (weight-normalised) loss. */
  readonly loss: number;
  /** Weighted over every forwardBackward call (weights:sum). */
  readonly clipFraction: number;
  readonly ratioMean: number;
  /** Mean over the optimiser steps of the pre-clip global gradient norm. */
  readonly gradNorm: number;
  /** Per-datum logprobs of the first epoch: the current policy, before any update of this step. */
  readonly firstEpochLogprobs: readonly (readonly number[])[];
  /** Mean over epochs of the supervised batch's summed (weighted) loss; absent without one. */
  readonly supervisedLoss?: number;
  /** Datum tokens processed, all epochs. */
  readonly tokens: number;
  readonly seconds: number;
};

/** Runs the epochs of one step's update. */
export async function updatePolicy(options: PolicyUpdateOptions): Promise<PolicyUpdateResult> {
  const { backend, datums, epochs } = options;
  const size = options.microBatchSize > 0 ? options.microBatchSize : datums.length;
  const started = performance.now();
  let loss = 0;
  let weight = 0;
  let clipped = 0;
  let ratio = 0;
  let gradNorm = 0;
  let tokens = 0;
  let supervisedLoss = 0;
  const supervised = options.supervised ?? [];
  const firstEpochLogprobs: number[][] = [];
  for (let epoch = 0; epoch < epochs; epoch++) {
    for (let start = 0; start < datums.length; start += size) {
      const chunk = datums.slice(start, start + size);
      const result = await backend.forwardBackward(chunk, options.lossFn, options.lossFnConfig);
      const chunkWeight = result.metrics['weights:sum'];
      loss += result.metrics['loss:sum'];
      weight += chunkWeight;
      clipped += (result.metrics['clipped:fraction'] ?? 0) * chunkWeight;
      ratio += (result.metrics['ratio:mean'] ?? 1) * chunkWeight;
      tokens += chunk.reduce((sum, datum) => sum + datum.modelInput.length, 0);
      if (epoch === 0) firstEpochLogprobs.push(...result.lossFnOutputs.map((output) => output.logprobs));
    }
    for (let start = 0; start < supervised.length; start += size) {
      const chunk = supervised.slice(start, start + size);
      supervisedLoss += (await backend.forwardBackward(chunk, 'cross_entropy')).metrics['loss:sum'];
      tokens += chunk.reduce((sum, datum) => sum + datum.modelInput.length, 0);
    }
    gradNorm += (await backend.optimStep(options.adam)).gradNorm;
  }
  return {
    loss: loss / epochs,
    clipFraction: weight > 0 ? clipped / weight : 0,
    ratioMean: weight > 0 ? ratio / weight : 1,
    gradNorm: gradNorm / epochs,
    firstEpochLogprobs,
    ...(supervised.length > 0 ? { supervisedLoss: supervisedLoss / epochs } : {}),
    tokens,
    seconds: (performance.now() - started) / 1000,
  };
}
