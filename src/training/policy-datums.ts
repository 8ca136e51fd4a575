// Policy-gradient Datums from scored trajectories: per-token advantages on the sampled tokens and
// weights that carry the loss normalisation of GRPO (Shao et al. 2024), Dr. GRPO (Liu et al. 2025),
// DAPO (Yu et al. 2025) or TRL's per-micro-batch "bnpo", since the backend's losses are plain weighted sums.

import type { Datum } from '../backends/training-backend.js';
import { trajectoryToDatums } from '../conversation/trajectory-datum.js';
import type { Trajectory } from '../conversation/trajectory.js';
import { StatesetError } from '../errors.js';

/**
 * How token losses are averaged into the batch loss; |y_i| is the policy-token count of trajectory i
 * and N the number of trajectories. grpo: 1/(|y_i|·N); dr_grpo: 1/(maxCompletionTokens·N); dapo:
 * 1/Σ_i |y_i| over the batch; bnpo: 1/(policy tokens of each micro-batch).
 */
export type LossNormalisation = 'grpo' | 'dr_grpo' | 'dapo' | 'bnpo';

/** Options of `buildPolicyDatums`. */
export type PolicyDatumOptions = {
  /** The batch (every group's trajectories), each with token-level turns. */
  readonly trajectories: readonly Trajectory[];
  /**
   * One entry per trajectory: a number for all its sampled tokens, or one number per entry of its
   * `turns` (per-turn credit, e.g. from `discountedTurnReturns`).
   */
  readonly advantages: readonly (number | readonly number[])[];
  readonly normalisation: LossNormalisation;
  /** Dr. GRPO's constant: the most policy tokens one trajectory may have. Required for 'dr_grpo'. */
  readonly maxCompletionTokens?: number;
  /** 'bnpo' only: datums per forwardBackward call; default all of them (then bnpo equals dapo). */
  readonly microBatchSize?: number;
  /** Reference-policy logprobs, one array per returned datum, each the length of its `modelInput`. */
  readonly refLogprobs?: readonly (readonly number[])[];
  /**
   * Drop trajectories whose advantages are all 0 before normalising, as DAPO's dynamic sampling does.
   * Default false: they produce datums, which add no policy gradient but count in the normalisers
   * and still feel a KL penalty.
   */
  readonly dropZeroAdvantage?: boolean;
};

/** Number of tokens the policy sampled in a trajectory: the completions of its token-level turns. */
export function policyTokenCount(trajectory: Trajectory): number {
  return trajectory.turns.reduce((sum, turn) => sum + (turn.tokens?.completion.length ?? 0), 0);
}

/**
 * The Datums of a batch of trajectories (via `trajectoryToDatums`, in trajectory order): sampling
 * logprobs and per-token advantages on policy tokens, 0 on prompt tokens, and weights = mask × the
 * normalisation factor, so the backend's weighted sum is the chosen mean. With 'grpo' the weights of
 * each trajectory sum to 1/N and of the batch to 1 (also GSPO's sequence mean); with 'dapo' and each
 * 'bnpo' micro-batch (consecutive `microBatchSize` datums) they sum to 1. Throws `invalid_argument`
 * for a trajectory with no policy tokens, or options that do not fit the batch.
 */
export function buildPolicyDatums(options: PolicyDatumOptions): Datum[] {
  const { trajectories, advantages, normalisation } = options;
  if (advantages.length !== trajectories.length) {
    throw invalidArgument(`${advantages.length} advantages for ${trajectories.length} trajectories.`);
  }
  const kept = trajectories
    .map((trajectory, index) => ({ trajectory, advantage: advantages[index] }))
    .filter(({ advantage }) => options.dropZeroAdvantage !== true || !isAllZero(advantage));
  const batch = kept.map(({ trajectory, advantage }) => {
    const tokens = policyTokenCount(trajectory);
    if (tokens === 0) {
      throw invalidArgument(`Trajectory ${trajectory.id} has no policy tokens to train on.`);
    }
    return { tokens, datums: trajectoryToDatums(trajectory, { advantages: advantage }) };
  });
  const count = batch.length;
  const totalTokens = batch.reduce((sum, item) => sum + item.tokens, 0);
  let datums: Datum[];
  switch (normalisation) {
    case 'grpo':
      datums = batch.flatMap((item) =>
        item.datums.map((datum) => scaleWeights(datum, 1 / (item.tokens * count))),
      );
      break;
    case 'dr_grpo': {
      const maxTokens = positiveInteger(options.maxCompletionTokens, 'maxCompletionTokens (dr_grpo)');
      datums = batch.flatMap((item) =>
        item.datums.map((datum) => scaleWeights(datum, 1 / (maxTokens * count))),
      );
      break;
    }
    case 'dapo':
      datums = batch.flatMap((item) => item.datums.map((datum) => scaleWeights(datum, 1 / totalTokens)));
      break;
    case 'bnpo': {
      const all = batch.flatMap((item) => item.datums);
      const size =
        options.microBatchSize === undefined
          ? all.length
          : positiveInteger(options.microBatchSize, 'microBatchSize');
      datums = [];
      for (let start = 0; start < all.length; start += size) {
        const microBatch = all.slice(start, start + size);
        const tokens = microBatch.reduce((sum, datum) => sum + weightSum(datum), 0);
        datums.push(...microBatch.map((datum) => scaleWeights(datum, tokens > 0 ? 1 / tokens : 0)));
      }
      break;
    }
    default:
      throw invalidArgument(`Unknown loss normalisation ${String(normalisation)}.`);
  }
  return options.refLogprobs === undefined ? datums : withRefLogprobs(datums, options.refLogprobs);
}

/**
 * Datums with reference-policy logprobs attached, `refLogprobs[i]` to `datums[i]`; each array has
 * the length of that datum's `modelInput` (as `computeLogprobs` gives for its full token sequence).
 */
export function withRefLogprobs(
  datums: readonly Datum[],
  refLogprobs: readonly (readonly number[])[],
): Datum[] {
  if (refLogprobs.length !== datums.length) {
    throw invalidArgument(`${refLogprobs.length} refLogprobs arrays for ${datums.length} datums.`);
  }
  return datums.map((datum, index) => {
    const values = refLogprobs[index];
    if (values.length !== datum.modelInput.length) {
      throw invalidArgument(
        `refLogprobs[${index}] has ${values.length} values for ${datum.modelInput.length} positions.`,
      );
    }
    const bad = values.findIndex((value) => !Number.isFinite(value));
    if (bad >= 0) throw invalidArgument(`refLogprobs[${index}][${bad}] is ${values[bad]}.`);
    return { ...datum, lossFnInputs: { ...datum.lossFnInputs, refLogprobs: values } };
  });
}

function scaleWeights(datum: Datum, factor: number): Datum {
  const weights = datum.lossFnInputs.weights ?? [];
  return { ...datum, lossFnInputs: { ...datum.lossFnInputs, weights: weights.map((mask) => mask * factor) } };
}

function weightSum(datum: Datum): number {
  return (datum.lossFnInputs.weights ?? []).reduce((sum, weight) => sum + weight, 0);
}

function isAllZero(advantage: number | readonly number[]): boolean {
  return typeof advantage === 'number' ? advantage === 0 : advantage.every((value) => value === 0);
}

function positiveInteger(value: number | undefined, name: string): number {
  if (value === undefined || !Number.isInteger(value) || value < 1) {
    throw invalidArgument(`${name} must be a positive integer, got ${value}.`);
  }
  return value;
}

function invalidArgument(message: string): StatesetError {
  return new StatesetError('invalid_argument', message);
}
