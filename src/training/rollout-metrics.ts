// Summary statistics of a step's rollouts: turns, sampled tokens, the entropy estimate, and how many
// groups carried no learning signal. Pure functions over trajectories.

import type { Trajectory } from '../conversation/trajectory.js';

/** Counts and means over a batch of rollouts. */
export type RolloutSummary = {
  readonly episodes: number;
  /** Mean agent turns per rollout. */
  readonly turnsMean: number;
  /** Tokens the policy sampled, in all. */
  readonly completionTokens: number;
  /**
   * Mean of −q over every sampled token, q its sampling logprob: a one-sample Monte Carlo estimate of
   * the per-token entropy H = E[−log q] of the sampling distribution. NaN when no token was sampled.
   */
  readonly entropy: number;
  /** Rollouts that ended because the agent failed. */
  readonly agentErrors: number;
};

/** Summarises rollouts (any number, including none: means are then NaN). */
export function summarizeRollouts(trajectories: readonly Trajectory[]): RolloutSummary {
  let turns = 0;
  let tokens = 0;
  let negativeLogprobs = 0;
  for (const trajectory of trajectories) {
    turns += trajectory.turns.length;
    for (const turn of trajectory.turns) {
      if (turn.tokens === undefined) continue;
      tokens += turn.tokens.completion.length;
      for (const logprob of turn.tokens.logprobs) negativeLogprobs -= logprob;
    }
  }
  return {
    episodes: trajectories.length,
    turnsMean: turns / trajectories.length,
    completionTokens: tokens,
    entropy: negativeLogprobs / tokens,
    agentErrors: trajectories.filter((trajectory) => trajectory.metadata.stopReason === 'agent_error').length,
  };
}

/** Fraction of groups flagged zero-variance (all rewards equal); 0 for no groups. */
export function zeroStdFraction(zeroVariance: readonly boolean[]): number {
  return zeroVariance.length === 0 ? 0 : zeroVariance.filter(Boolean).length / zeroVariance.length;
}
