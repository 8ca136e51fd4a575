// A weighted rubric: named reward components, each with a weight, combined as the weighted mean over
// the components that apply (see `weightedTotal`). Group rewards (LLM judges) score a group at once.

import { RewardError } from '../errors.js';
import type { Logger } from '../observability/logger.js';
import { assertRewardName } from './define-reward.js';
import type { AnyRewardFunction } from './group-reward-function.js';
import type { RewardContext } from './reward-function.js';
import { summariseRewards } from './reward-metrics.js';
import { scoreComponent, type ComponentOutcome } from './score-component.js';
import { weightedTotal } from './weighted-total.js';

/** A reward and its positive weight in the total. */
export type RubricComponent<TState = unknown> = {
  readonly reward: AnyRewardFunction<TState>;
  readonly weight: number;
};

/** What a failing component does: fail the evaluation (default), or be skipped and counted. */
export type RubricErrorPolicy = 'fail' | 'skip';

/** Options of `createRubric`. */
export type RubricOptions<TState = unknown> = {
  /** At least one; names must be unique. */
  readonly components: readonly RubricComponent<TState>[];
  /** 'fail' (default) rejects with the component's RewardError; 'skip' leaves it out and lists it. */
  readonly onError?: RubricErrorPolicy;
  /** Receives one debug line per component and trajectory, and a warning per skip. */
  readonly logger?: Logger;
};

/** One trajectory's evaluation. */
export type RubricResult = {
  /** Σ w·s / Σ w over the applicable parts; `undefined` when none applies. */
  readonly total: number | undefined;
  /** Every component's score by name; `undefined` when it did not apply or was skipped. */
  readonly parts: Readonly<Record<string, number | undefined>>;
  /** Names of the components skipped because they failed (only under `onError: 'skip'`). */
  readonly skipped: readonly string[];
};

/** A batch's evaluations, in input order, and its metrics (see `REWARD_METRICS`). */
export type RubricBatchResult = {
  readonly results: readonly RubricResult[];
  readonly metrics: Readonly<Record<string, number>>;
};

/** A weighted combination of rewards. Every method rejects with a RewardError under `onError: 'fail'`. */
export interface Rubric<TState = unknown> {
  /** Component names, in order. */
  readonly names: readonly string[];
  /** Scores one trajectory; a group reward sees a group of one. */
  evaluate(context: RewardContext<TState>): Promise<RubricResult>;
  /** Scores one group (same scenario and seed); group rewards are called once for all of it. */
  evaluateGroup(contexts: readonly RewardContext<TState>[]): Promise<RubricResult[]>;
  /** Scores many trajectories, grouped by `trajectory.groupId` (none: a group of one), plus metrics. */
  evaluateBatch(contexts: readonly RewardContext<TState>[]): Promise<RubricBatchResult>;
}

/** A rubric over `options.components`; throws RewardError('invalid_argument') for a bad configuration. */
export function createRubric<TState = unknown>(options: RubricOptions<TState>): Rubric<TState> {
  const { components, logger } = options;
  const onError = options.onError ?? 'fail';
  validate(components, onError);
  const names = components.map((component) => component.reward.name);

  async function evaluateGroup(contexts: readonly RewardContext<TState>[]): Promise<RubricResult[]> {
    if (contexts.length === 0) return [];
    const outcomes = await Promise.all(components.map(({ reward }) => scoreComponent(reward, contexts)));
    if (onError === 'fail') {
      const failure = outcomes.flat().find((outcome) => !outcome.ok);
      if (failure !== undefined && !failure.ok) throw failure.error;
    }
    return contexts.map((context, index) =>
      combine(
        context,
        outcomes.map((perContext) => perContext[index]),
      ),
    );
  }

  function combine(context: RewardContext<TState>, outcomes: readonly ComponentOutcome[]): RubricResult {
    const trajectoryId = context.trajectory.id;
    const parts: Record<string, number | undefined> = {};
    const skipped: string[] = [];
    outcomes.forEach((outcome, index) => {
      const name = names[index];
      if (outcome.ok) {
        parts[name] = outcome.score;
        logger?.debug({ trajectoryId, reward: name, score: outcome.score ?? null }, 'reward component');
      } else {
        parts[name] = undefined;
        skipped.push(name);
        logger?.warn({ trajectoryId, reward: name, err: outcome.error }, 'reward component skipped');
      }
    });
    const total = weightedTotal(
      names.map((name, index) => ({ score: parts[name], weight: components[index].weight })),
    );
    return { total, parts, skipped };
  }

  return {
    names,
    evaluate: async (context) => (await evaluateGroup([context]))[0],
    evaluateGroup,
    async evaluateBatch(contexts) {
      const groups = groupIndices(contexts);
      const settled = await Promise.allSettled(
        groups.map((indices) => evaluateGroup(indices.map((index) => contexts[index]))),
      );
      const results: RubricResult[] = new Array<RubricResult>(contexts.length);
      settled.forEach((outcome, groupIndex) => {
        if (outcome.status === 'rejected') throw outcome.reason;
        groups[groupIndex].forEach((contextIndex, member) => (results[contextIndex] = outcome.value[member]));
      });
      return { results, metrics: summariseRewards(names, results) };
    },
  };
}

/** Indices of `contexts` grouped by `trajectory.groupId`, groups in order of first appearance. */
function groupIndices<TState>(contexts: readonly RewardContext<TState>[]): number[][] {
  const byId = new Map<string, number[]>();
  const groups: number[][] = [];
  contexts.forEach((context, index) => {
    const groupId = context.trajectory.groupId;
    const existing = groupId === undefined ? undefined : byId.get(groupId);
    if (existing !== undefined) return existing.push(index);
    const group = [index];
    groups.push(group);
    if (groupId !== undefined) byId.set(groupId, group);
  });
  return groups;
}

function validate<TState>(components: readonly RubricComponent<TState>[], onError: string): void {
  if (!Array.isArray(components) || components.length === 0) {
    throw new RewardError('invalid_argument', 'a rubric needs at least one component');
  }
  if (onError !== 'fail' && onError !== 'skip') {
    throw new RewardError(
      'invalid_argument',
      `rubric onError must be 'fail' or 'skip', got ${JSON.stringify(onError)}`,
    );
  }
  const seen = new Set<string>();
  for (const { reward, weight } of components) {
    assertRewardName(reward?.name);
    if (seen.has(reward.name)) {
      throw new RewardError(
        'invalid_argument',
        `rubric components must have unique names; "${reward.name}" repeats`,
      );
    }
    seen.add(reward.name);
    const scorer = reward as Partial<Record<'score' | 'scoreGroup', unknown>>;
    if (typeof scorer.score !== 'function' && typeof scorer.scoreGroup !== 'function') {
      throw new RewardError('invalid_argument', `reward "${reward.name}" has neither score nor scoreGroup`);
    }
    if (typeof weight !== 'number' || !Number.isFinite(weight) || weight <= 0) {
      throw new RewardError(
        'invalid_argument',
        `rubric weight of "${reward.name}" must be a finite number > 0, got ${weight}`,
      );
    }
  }
}
