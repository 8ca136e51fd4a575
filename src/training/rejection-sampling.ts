// Rejection-sampling fine-tuning (RFT; Yuan et al. 2023, arXiv:2308.01825; the "best-of-n then SFT"
// step of Llama 2's RLHF, Touvron et al. 2023): from each group of sampled trajectories keep the best
// one whose reward reaches a threshold, and train on its exact tokens with the supervised loss.

import { ConversationError } from '../conversation/conversation-error.js';
import type { Trajectory, TrajectoryGroup } from '../conversation/trajectory.js';
import { runSft, trajectorySftSequences, type SftOptions, type SftResult } from './sft.js';

/** Options of `selectBestOfGroups`. */
export type SelectBestOptions = {
  readonly groups: readonly TrajectoryGroup[];
  /** A trajectory is kept only when its reward is at least this. */
  readonly threshold: number;
  /** The reward of a trajectory; default its `reward` field (a trajectory without one is an error). */
  readonly reward?: (trajectory: Trajectory) => number;
};

/** What selection kept: one trajectory per group that had one at or above the threshold. */
export type BestOfGroups = {
  readonly selected: readonly Trajectory[];
  /** Groups whose best trajectory was below the threshold. */
  readonly rejectedGroups: number;
};

/**
 * The best trajectory of each group: the highest reward that reaches `threshold`; ties go to the
 * one with fewer sampled tokens (the shorter way to the same reward), then to the earlier in the
 * group, so the choice is deterministic. Throws ConversationError('invalid_trajectory') for a
 * trajectory without a finite reward.
 */
export function selectBestOfGroups(options: SelectBestOptions): BestOfGroups {
  const rewardOf = options.reward ?? ((trajectory: Trajectory) => trajectory.reward);
  const selected: Trajectory[] = [];
  let rejectedGroups = 0;
  for (const group of options.groups) {
    let best: { trajectory: Trajectory; reward: number; tokens: number } | undefined;
    for (const trajectory of group.trajectories) {
      const reward = rewardOf(trajectory);
      if (typeof reward !== 'number' || !Number.isFinite(reward)) {
        throw new ConversationError(
          'invalid_trajectory',
          `Trajectory ${trajectory.id} of group ${group.groupId} has no finite reward (${String(reward)}); score it first.`,
        );
      }
      const tokens = sampledTokens(trajectory);
      if (best === undefined || reward > best.reward || (reward === best.reward && tokens < best.tokens)) {
        best = { trajectory, reward, tokens };
      }
    }
    if (best !== undefined && best.reward >= options.threshold) selected.push(best.trajectory);
    else rejectedGroups++;
  }
  return { selected, rejectedGroups };
}

/** Options of `runRejectionSamplingFineTuning`: the selection, and SFT options other than the data. */
export type RejectionSamplingOptions = SelectBestOptions & Omit<SftOptions, 'sequences'>;

/** What an RFT round did: the selection, and the SFT run (absent when no group passed). */
export type RejectionSamplingResult = BestOfGroups & { readonly sft?: SftResult };

/**
 * Selects the best trajectory of each group (`selectBestOfGroups`) and fine-tunes on the exact
 * tokens the policy sampled in them (mask 1 on policy tokens only, see `trajectorySftSequences`).
 * When no group has a trajectory at the threshold, nothing is trained and `sft` is absent.
 */
export async function runRejectionSamplingFineTuning(
  options: RejectionSamplingOptions,
): Promise<RejectionSamplingResult> {
  const { groups, threshold, reward, ...sft } = options;
  const best = selectBestOfGroups({ groups, threshold, reward });
  if (best.selected.length === 0) return best;
  const result = await runSft({ ...sft, sequences: trajectorySftSequences(best.selected) });
  return { ...best, sft: result };
}

/** Tokens the policy sampled in a trajectory (its completions). */
function sampledTokens(trajectory: Trajectory): number {
  return trajectory.turns.reduce((sum, turn) => sum + (turn.tokens?.completion.length ?? 0), 0);
}
