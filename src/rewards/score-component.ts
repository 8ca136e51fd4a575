// Runs one rubric component over a group of contexts and turns every way it can fail (a throw, a
// rejected promise, a non-finite score, a group answer of the wrong length) into a RewardError.

import { RewardError } from '../errors.js';
import { isGroupReward, type AnyRewardFunction } from './group-reward-function.js';
import type { RewardContext } from './reward-function.js';

/** What one component gave one context: a score (`undefined` = not applicable) or the error it raised. */
export type ComponentOutcome =
  | { readonly ok: true; readonly score: number | undefined }
  | { readonly ok: false; readonly error: RewardError };

/**
 * One outcome per context, in order. Never rejects: failures come back as `{ ok: false }` naming the
 * reward and the trajectory, with the original error as `cause`. A RewardError keeps its code (a
 * judge's 'judge_malformed_output' stays visible); any other throw becomes 'reward_failed'.
 */
export async function scoreComponent<TState>(
  reward: AnyRewardFunction<TState>,
  contexts: readonly RewardContext<TState>[],
): Promise<ComponentOutcome[]> {
  if (isGroupReward(reward)) {
    const where = `group [${contexts.map((context) => context.trajectory.id).join(', ')}]`;
    try {
      const scores: unknown = await reward.scoreGroup(contexts);
      if (!Array.isArray(scores) || scores.length !== contexts.length) {
        const got = Array.isArray(scores) ? `${scores.length} scores` : typeof scores;
        throw new RewardError(
          'reward_invalid_score',
          `reward "${reward.name}" returned ${got} for ${contexts.length} trajectories`,
        );
      }
      return scores.map((score: unknown) => checkScore(reward.name, where, score));
    } catch (error) {
      const failure = asRewardFailure(reward.name, where, error);
      return contexts.map(() => failure);
    }
  }
  return Promise.all(
    contexts.map(async (context) => {
      const where = `trajectory "${context.trajectory.id}"`;
      try {
        return checkScore(reward.name, where, await reward.score(context));
      } catch (error) {
        return asRewardFailure(reward.name, where, error);
      }
    }),
  );
}

function checkScore(name: string, where: string, score: unknown): ComponentOutcome {
  if (score === undefined || (typeof score === 'number' && Number.isFinite(score)))
    return { ok: true, score };
  throw new RewardError(
    'reward_invalid_score',
    `reward "${name}" returned ${describeValue(score)} on ${where}; expected a finite number or undefined`,
  );
}

function asRewardFailure(name: string, where: string, error: unknown): ComponentOutcome {
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof RewardError) {
    if (message.startsWith(`reward "${name}"`)) return { ok: false, error };
    return {
      ok: false,
      error: new RewardError(error.code, `reward "${name}" failed on ${where}: ${message}`, { cause: error }),
    };
  }
  return {
    ok: false,
    error: new RewardError('reward_failed', `reward "${name}" threw on ${where}: ${message}`, {
      cause: error,
    }),
  };
}

function describeValue(value: unknown): string {
  return typeof value === 'number' ? String(value) : `a ${value === null ? 'null' : typeof value}`;
}
