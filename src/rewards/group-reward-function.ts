// The group reward contract: scores a whole group of contexts at once, for rewards that compare
// trajectories with each other (RULER-style LLM judges ranking a GRPO group).

import type { RewardContext, RewardFunction } from './reward-function.js';

/** One score per context, in the order given; `undefined` marks a context the reward does not apply to. */
export type GroupScores = readonly (number | undefined)[];

/** A named reward that scores a group of contexts together; the result has one entry per context. */
export interface GroupRewardFunction<TState = unknown> {
  readonly name: string;
  scoreGroup(contexts: readonly RewardContext<TState>[]): GroupScores | PromiseLike<GroupScores>;
}

/** Either kind of reward a rubric can hold. */
export type AnyRewardFunction<TState = unknown> = RewardFunction<TState> | GroupRewardFunction<TState>;

/** True when `reward` scores groups (it has `scoreGroup`) rather than single contexts. */
export function isGroupReward<TState>(
  reward: AnyRewardFunction<TState>,
): reward is GroupRewardFunction<TState> {
  return typeof (reward as Partial<GroupRewardFunction<TState>>).scoreGroup === 'function';
}
