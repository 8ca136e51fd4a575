// Task success: a verifiable check that the environment provides (did the database end in the
// expected state?), as a reward of 1 or 0.

import { defineReward } from './define-reward.js';
import type { RewardContext, RewardFunction } from './reward-function.js';

/** The environment's success check: true/false, a partial-credit number, or `undefined` if it cannot tell. */
export type TaskSuccessCheck<TState> = (
  context: RewardContext<TState>,
) => boolean | number | undefined | PromiseLike<boolean | number | undefined>;

/** Options of `taskSuccess`. */
export type TaskSuccessOptions = {
  /** Reward name; defaults to 'task_success'. */
  readonly name?: string;
};

/** A reward of 1 when `check` says the task succeeded, 0 when it failed; numbers pass through. */
export function taskSuccess<TState = unknown>(
  check: TaskSuccessCheck<TState>,
  options: TaskSuccessOptions = {},
): RewardFunction<TState> {
  return defineReward<TState>({
    name: options.name ?? 'task_success',
    async score(context) {
      const verdict = await check(context);
      return typeof verdict === 'boolean' ? (verdict ? 1 : 0) : verdict;
    },
  });
}
