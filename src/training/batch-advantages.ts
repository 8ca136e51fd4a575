// A step's advantages, group by group: each scored rollout gets its group-relative advantage, and the
// rollouts with sampled tokens are what the update trains on. Rollouts with no reward (every part
// skipped under rewardErrors 'skip') are left out of their group's statistics and of the update.
// Optionally part of the baseline is the batch's mean reward rather than the group's: a group whose
// rollouts all scored alike then still says whether its scenario went better or worse than the step's.

import type { Trajectory } from '../conversation/trajectory.js';
import { computeGroupAdvantages, type AdvantageEstimator } from './advantages.js';
import { ConfigError } from '../errors.js';
import { policyTokenCount } from './policy-datums.js';
import type { ScoredGroup } from './rollout-collection.js';

/** A rollout to train on and its advantage. */
export type TrainableRollout = { readonly trajectory: Trajectory; readonly advantage: number };

/** Options of `batchAdvantages`. */
export type BatchAdvantageOptions = {
  readonly groups: readonly ScoredGroup[];
  readonly estimator: AdvantageEstimator;
  /** 'grpo' only. */
  readonly scaleByStd: boolean;
  /**
   * λ in [0, 1]: each rollout's advantage gains λ · (its group's mean reward − the step's mean
   * reward), so the baseline is (1 − λ) · group mean + λ · batch mean (the group term keeps its
   * estimator's scaling). Still a baseline independent of the rollout's own actions within its
   * group; it makes zero-variance groups push towards (or away from) what they all did. Default 0.
   */
  readonly batchBaseline?: number;
};

/** The trainable rollouts in group order, each group's zero-variance flag, and the unscored count. */
export type BatchAdvantages = {
  readonly rollouts: readonly TrainableRollout[];
  /** One per group: true when its scored rewards were all equal (or fewer than two were scored). */
  readonly zeroVariance: readonly boolean[];
  readonly unscored: number;
};

/** Advantages of every group of a step (see the file comment for what is left out). */
export function batchAdvantages(options: BatchAdvantageOptions): BatchAdvantages {
  const lambda = options.batchBaseline ?? 0;
  if (!(lambda >= 0 && lambda <= 1)) {
    throw new ConfigError('invalid_config', `batchBaseline must be in [0, 1], got ${lambda}`);
  }
  const rollouts: TrainableRollout[] = [];
  const zeroVariance: boolean[] = [];
  /** Per trained group: its first rollout's index in `rollouts` … and its mean reward. */
  const groupMeans: { readonly from: number; readonly to: number; readonly mean: number }[] = [];
  let rewardSum = 0;
  let rewardCount = 0;
  let unscored = 0;
  for (const { group, rewards } of options.groups) {
    const scored = group.trajectories
      .map((trajectory, index) => ({ trajectory, reward: rewards[index] }))
      .filter((item): item is { trajectory: Trajectory; reward: number } => item.reward !== undefined);
    unscored += group.trajectories.length - scored.length;
    if (scored.length < 2) {
      zeroVariance.push(true);
      continue;
    }
    const result = computeGroupAdvantages({
      rewards: scored.map((item) => item.reward),
      estimator: options.estimator,
      scaleByStd: options.scaleByStd,
    });
    zeroVariance.push(result.zeroVariance);
    const from = rollouts.length;
    scored.forEach((item, index) => {
      if (policyTokenCount(item.trajectory) > 0)
        rollouts.push({ trajectory: item.trajectory, advantage: result.advantages[index] });
    });
    const sum = scored.reduce((total, item) => total + item.reward, 0);
    groupMeans.push({ from, to: rollouts.length, mean: sum / scored.length });
    rewardSum += sum;
    rewardCount += scored.length;
  }
  if (lambda === 0 || rewardCount === 0) return { rollouts, zeroVariance, unscored };
  const batchMean = rewardSum / rewardCount;
  for (const { from, to, mean } of groupMeans) {
    for (let index = from; index < to; index++) {
      const rollout = rollouts[index];
      rollouts[index] = { ...rollout, advantage: rollout.advantage + lambda * (mean - batchMean) };
    }
  }
  return { rollouts, zeroVariance, unscored };
}
