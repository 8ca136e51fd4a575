// The reward contract: one typed context in, a number (or undefined when not applicable, which is
// excluded from means) out, sync or async.

import type { Trajectory } from '../conversation/trajectory.js';

/** What a reward function sees: the trajectory, and the environment's final state when it has one. */
export type RewardContext<TState = unknown> = {
  readonly trajectory: Trajectory;
  readonly finalState?: TState;
};

/** A named reward. `undefined` means not applicable here and is left out of means. */
export interface RewardFunction<TState = unknown> {
  readonly name: string;
  score(context: RewardContext<TState>): number | undefined | PromiseLike<number | undefined>;
}
