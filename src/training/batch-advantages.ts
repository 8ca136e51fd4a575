// A step's advantages, group by group: each scored rollout gets its group-relative advantage, and the
// rollouts with sampled tokens are what the update trains on. Rollouts with no reward (every part
// skipped under rewardErrors 'skip') are left out of their group's statistics and of the update.

import type { Trajectory } from '../conversation/trajectory.js';
import { computeGroupAdvantages, type AdvantageEstimator } from './advantages.js';
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
  const rollouts: TrainableRollout[] = [];
  const zeroVariance: boolean[] = [];
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
    scored.forEach((item, index) => {
      if (policyTokenCount(item.trajectory) > 0)
        rollouts.push({ trajectory: item.trajectory, advantage: result.advantages[index] });
    });
  }
  return { rollouts, zeroVariance, unscored };
}
