// Group-relative advantage estimators for policy-gradient RL on groups of G trajectories of one
// prompt: GRPO (Shao et al. 2024), Dr. GRPO (Liu et al. 2025), RLOO (Ahmadian et al. 2024), and
// discounted per-turn returns for multi-turn credit assignment (Sutton & Barto 2018, eq. 3.8).

import { StatesetError } from '../errors.js';

/** Rewards of a group whose max − min is at most this are treated as equal (no learning signal). */
export const ZERO_VARIANCE_TOLERANCE = 1e-12;

/** Default ε added to the std in GRPO's denominator. */
export const DEFAULT_STD_EPSILON = 1e-6;

/** Std convention: 'sample' divides by G − 1 (Bessel), 'population' by G. */
export type StdConvention = 'sample' | 'population';

/** The group advantage estimators `computeGroupAdvantages` offers. */
export type AdvantageEstimator = 'grpo' | 'dr_grpo' | 'rloo';

/** Options of `groupRelativeAdvantages`. */
export type GroupRelativeAdvantageOptions = {
  /** Rewards r of the G trajectories of one group, shape (G). */
  readonly rewards: readonly number[];
  /** Divide by std + ε (GRPO as published); false gives r − mean. */
  readonly scaleByStd: boolean;
  /** Std convention; default 'sample' (n − 1), as TRL's `torch.std`. */
  readonly std?: StdConvention;
  /** ε in the denominator; default 1e-6. */
  readonly epsilon?: number;
};

/**
 * GRPO advantages, shape (G): A_i = (r_i − mean(r)) / (std(r) + ε) when `scaleByStd`, else
 * r_i − mean(r) (Shao et al. 2024, §4.1.2). Throws `invalid_argument` for a non-finite reward, a
 * negative ε, or `scaleByStd` with G < 2 (std needs G ≥ 2).
 */
export function groupRelativeAdvantages(options: GroupRelativeAdvantageOptions): number[] {
  const { rewards, scaleByStd, std = 'sample', epsilon = DEFAULT_STD_EPSILON } = options;
  validateRewards(rewards);
  if (!(Number.isFinite(epsilon) && epsilon >= 0)) {
    throw invalidArgument(`epsilon must be a finite number ≥ 0, got ${epsilon}.`);
  }
  const centred = centredRewards(rewards);
  if (!scaleByStd) return centred;
  if (rewards.length < 2) {
    throw invalidArgument(`Scaling by the std needs a group of G ≥ 2 rewards, got G = ${rewards.length}.`);
  }
  const squares = centred.reduce((sum, value) => sum + value * value, 0);
  const deviation = Math.sqrt(squares / (std === 'sample' ? rewards.length - 1 : rewards.length));
  return centred.map((value) => value / (deviation + epsilon));
}

/** Dr. GRPO advantages, shape (G): A_i = r_i − mean(r), with no std scaling (Liu et al. 2025, §3.2). */
export function drGrpoAdvantages(rewards: readonly number[]): number[] {
  validateRewards(rewards);
  return centredRewards(rewards);
}

/**
 * RLOO advantages, shape (G): A_i = r_i − (Σ_{j≠i} r_j)/(G − 1), the leave-one-out baseline
 * (Ahmadian et al. 2024, eq. 6); equal to G/(G − 1)·(r_i − mean). Throws `invalid_argument` for G < 2.
 */
export function rlooAdvantages(rewards: readonly number[]): number[] {
  validateRewards(rewards);
  const count = rewards.length;
  if (count < 2) throw invalidArgument(`RLOO needs a group of G ≥ 2 rewards, got G = ${count}.`);
  const total = rewards.reduce((sum, value) => sum + value, 0);
  return rewards.map((value) => value - (total - value) / (count - 1));
}

/** Options of `discountedTurnReturns`. */
export type DiscountedTurnReturnOptions = {
  /** Reward r_t of each assistant turn, shape (T); absent entries count as 0. */
  readonly turnRewards: readonly (number | undefined)[];
  /** Episode reward, added to the last turn's reward; default 0. */
  readonly finalReward?: number;
  /** Discount γ in [0, 1]. */
  readonly discount: number;
};

/**
 * Discounted returns per assistant turn, shape (T): G_t = Σ_{k≥t} γ^(k−t)·r_k, where the final reward
 * is added to r_(T−1). No turns gives []. Throws `invalid_argument` for γ outside [0, 1] or a
 * non-finite reward.
 */
export function discountedTurnReturns(options: DiscountedTurnReturnOptions): number[] {
  const { turnRewards, finalReward = 0, discount } = options;
  if (!(discount >= 0 && discount <= 1)) {
    throw invalidArgument(`discount must be in [0, 1], got ${discount}.`);
  }
  if (!Number.isFinite(finalReward)) throw invalidArgument(`finalReward is ${finalReward}.`);
  const rewards = turnRewards.map((reward) => reward ?? 0);
  validateRewards(rewards, 'turnRewards', { allowEmpty: true });
  const returns = new Array<number>(rewards.length);
  let following = 0;
  for (let t = rewards.length - 1; t >= 0; t--) {
    const reward = rewards[t] + (t === rewards.length - 1 ? finalReward : 0);
    following = reward + discount * following;
    returns[t] = following;
  }
  return returns;
}

/** Options of `computeGroupAdvantages`. */
export type GroupAdvantageOptions = {
  /** Rewards of the G trajectories of one group, shape (G). */
  readonly rewards: readonly number[];
  readonly estimator: AdvantageEstimator;
  /** For 'grpo' only: divide by std + ε; default true. */
  readonly scaleByStd?: boolean;
  /** For 'grpo' only: std convention; default 'sample'. */
  readonly std?: StdConvention;
  /** For 'grpo' only: ε; default 1e-6. */
  readonly epsilon?: number;
};

/** Advantages of one group, and whether its rewards were all equal. */
export type GroupAdvantages = {
  /** Shape (G). */
  readonly advantages: number[];
  /** True when max − min ≤ ZERO_VARIANCE_TOLERANCE: all advantages are 0, no gradient. */
  readonly zeroVariance: boolean;
};

/**
 * A group's advantages with the chosen estimator. A zero-variance group (all rewards equal within
 * ZERO_VARIANCE_TOLERANCE, including a group of one) gets all-zero advantages and `zeroVariance` true,
 * so rounding noise is never amplified by 1/(std + ε); trainers report these as rollout/zero_std_fraction.
 */
export function computeGroupAdvantages(options: GroupAdvantageOptions): GroupAdvantages {
  const { rewards, estimator } = options;
  validateRewards(rewards);
  if (Math.max(...rewards) - Math.min(...rewards) <= ZERO_VARIANCE_TOLERANCE) {
    return { advantages: rewards.map(() => 0), zeroVariance: true };
  }
  switch (estimator) {
    case 'grpo':
      return {
        advantages: groupRelativeAdvantages({
          rewards,
          scaleByStd: options.scaleByStd ?? true,
          std: options.std,
          epsilon: options.epsilon,
        }),
        zeroVariance: false,
      };
    case 'dr_grpo':
      return { advantages: drGrpoAdvantages(rewards), zeroVariance: false };
    case 'rloo':
      return { advantages: rlooAdvantages(rewards), zeroVariance: false };
    default:
      throw invalidArgument(`Unknown advantage estimator ${String(estimator)}.`);
  }
}

function centredRewards(rewards: readonly number[]): number[] {
  const mean = rewards.reduce((sum, value) => sum + value, 0) / rewards.length;
  return rewards.map((value) => value - mean);
}

function validateRewards(
  rewards: readonly number[],
  name = 'rewards',
  options: { readonly allowEmpty?: boolean } = {},
): void {
  if (rewards.length === 0 && options.allowEmpty !== true) {
    throw invalidArgument(`${name} is empty; a group needs at least one reward.`);
  }
  const bad = rewards.findIndex((value) => !Number.isFinite(value));
  if (bad >= 0) throw invalidArgument(`${name}[${bad}] is ${rewards[bad]}; rewards must be finite.`);
}

function invalidArgument(message: string): StatesetError {
  return new StatesetError('invalid_argument', message);
}
