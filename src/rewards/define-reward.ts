// A helper that builds a `RewardFunction` from a name and a scoring function, checking the name
// so that it can appear in metric names (`reward/<name>/mean`).

import { RewardError } from '../errors.js';
import type { RewardContext, RewardFunction } from './reward-function.js';

/** Reward names: letters, digits, `_`, `-` and `.`, starting with a letter or digit; no `/`. */
export const REWARD_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

/** Throws RewardError('invalid_argument') unless `name` matches `REWARD_NAME_PATTERN`. */
export function assertRewardName(name: string): void {
  if (typeof name !== 'string' || !REWARD_NAME_PATTERN.test(name)) {
    throw new RewardError(
      'invalid_argument',
      `reward name ${JSON.stringify(name)} must match ${REWARD_NAME_PATTERN} (it becomes part of metric names)`,
    );
  }
}

/** Options of `defineReward`. */
export type DefineRewardOptions<TState> = {
  /** Used in metric names and logs; see `REWARD_NAME_PATTERN`. */
  readonly name: string;
  /** The score, or `undefined` when the reward does not apply to this context; may be async. */
  readonly score: (context: RewardContext<TState>) => number | undefined | PromiseLike<number | undefined>;
};

/** A `RewardFunction` with a checked name; throws RewardError('invalid_argument') for a bad name. */
export function defineReward<TState = unknown>(options: DefineRewardOptions<TState>): RewardFunction<TState> {
  assertRewardName(options.name);
  if (typeof options.score !== 'function') {
    throw new RewardError('invalid_argument', `reward "${options.name}": score must be a function`);
  }
  const { name, score } = options;
  return { name, score: (context) => score(context) };
}
