// Rollout collection for one training step: G rollouts of each of the step's scenarios with the same
// scenario and user seed (GRPO groups, Shao et al. 2024), run concurrently, then scored by the rubric.
// Every seed derives from (run seed, step), so a resumed run draws exactly what the original would.

import type { Agent } from '../agents/agent.js';
import type { Trajectory, TrajectoryGroup } from '../conversation/trajectory.js';
import { Rng } from '../engine/random.js';
import { EnvironmentError } from '../errors.js';
import type { Environment } from '../environments/environment.js';
import { runEpisodes, type EpisodeSpec } from '../environments/run-episodes.js';
import type { StopCondition } from '../environments/stop-conditions.js';
import type { Rubric } from '../rewards/rubric.js';

/** The seeds of one step: the policy's sampling stream and each group's user (and scenario) seed. */
export type StepSeeds = { readonly policySeed: number; readonly groupSeeds: readonly number[] };

/** Seeds of step `step` (1-based) of a run seeded `seed`: a pure function, the key to exact resume. */
export function stepSeeds(options: {
  readonly seed: number;
  readonly step: number;
  readonly groups: number;
}): StepSeeds {
  const rng = new Rng(options.seed).fork(`train step ${options.step}`);
  const policySeed = rng.fork('policy').int(2 ** 31);
  const scenarios = rng.fork('scenarios');
  return { policySeed, groupSeeds: Array.from({ length: options.groups }, () => scenarios.int(2 ** 31)) };
}

/** Options of `collectRollouts`. */
export type CollectRolloutsOptions<TState> = {
  readonly environment: Environment<TState>;
  readonly split: string;
  readonly rubric: Rubric<TState>;
  /** The policy's agent for this step, seeded with `policySeed`; forked once per rollout. */
  readonly agent: Agent;
  readonly step: number;
  readonly groupSeeds: readonly number[];
  readonly groupSize: number;
  readonly concurrency: number;
  readonly stop: StopCondition;
  readonly signal?: AbortSignal;
};

/** One scored group; `rewards[i]` is undefined when every reward part of rollout i was skipped. */
export type ScoredGroup = {
  readonly group: TrajectoryGroup;
  readonly rewards: readonly (number | undefined)[];
};

/** A step's rollouts: groups in seed order, their scored trajectories, reward metrics and timing. */
export type RolloutBatch = {
  readonly groups: readonly ScoredGroup[];
  /** `reward/mean`, `reward/<part>/mean`, `reward/<part>/skipped` (see REWARD_METRICS). */
  readonly rewardMetrics: Readonly<Record<string, number>>;
  /** Seconds spent running episodes (not scoring). */
  readonly rolloutSeconds: number;
};

/**
 * Runs `groupSeeds.length × groupSize` episodes, at most `concurrency` at once, and scores them with
 * the rubric (group rewards see each group at once). Trajectories carry their reward and parts.
 */
export async function collectRollouts<TState>(
  options: CollectRolloutsOptions<TState>,
): Promise<RolloutBatch> {
  const { groupSeeds, groupSize, step } = options;
  const specs: EpisodeSpec[] = groupSeeds.flatMap((seed, group) =>
    Array.from({ length: groupSize }, (_, member) => ({
      seed,
      split: options.split,
      groupId: `step-${step}-group-${group}`,
      id: `step-${step}-group-${group}-${member}`,
    })),
  );
  const started = performance.now();
  const batch = await runEpisodes({
    environment: options.environment,
    agent: options.agent,
    episodes: specs,
    concurrency: options.concurrency,
    stop: options.stop,
    signal: options.signal,
  });
  const rolloutSeconds = (performance.now() - started) / 1000;
  throwIfEveryAgentFailed(
    batch.episodes.map((episode) => episode.trajectory),
    step,
  );
  const scored = await options.rubric.evaluateBatch(
    batch.episodes.map((episode) => ({ trajectory: episode.trajectory, finalState: episode.finalState })),
  );
  const trajectories = batch.episodes.map((episode, index) =>
    withReward(episode.trajectory, scored.results[index]),
  );
  const groups = groupSeeds.map((seed, group): ScoredGroup => {
    const members = trajectories.slice(group * groupSize, (group + 1) * groupSize);
    const scenarios = new Set(members.map((trajectory) => trajectory.metadata.scenarioId));
    if (scenarios.size !== 1) {
      throw new EnvironmentError(
        'environment_data_invalid',
        `environment ${options.environment.name} drew different scenarios for one seed: ${[...scenarios].join(', ')}`,
      );
    }
    return {
      group: {
        groupId: specs[group * groupSize].groupId as string,
        scenarioId: members[0].metadata.scenarioId,
        seed,
        trajectories: members,
      },
      rewards: members.map((trajectory) => trajectory.reward),
    };
  });
  return { groups, rewardMetrics: scored.metrics, rolloutSeconds };
}

function withReward(
  trajectory: Trajectory,
  result: {
    readonly total: number | undefined;
    readonly parts: Readonly<Record<string, number | undefined>>;
  },
): Trajectory {
  const parts = Object.fromEntries(
    Object.entries(result.parts).filter((entry): entry is [string, number] => entry[1] !== undefined),
  );
  return {
    ...trajectory,
    ...(result.total === undefined ? {} : { reward: result.total }),
    rewardParts: parts,
  };
}

/**
 * One failed rollout is a property of the sample; all of them failing is a broken setup (most often
 * a prompt that does not fit the model context), so the step fails with the first agent error.
 */
function throwIfEveryAgentFailed(trajectories: readonly Trajectory[], step: number): void {
  if (!trajectories.every((trajectory) => trajectory.metadata.stopReason === 'agent_error')) return;
  const error = trajectories[0]?.metadata.agentError as { readonly message?: string } | undefined;
  throw new EnvironmentError(
    'agent_failed',
    `every rollout of step ${step} ended in an agent error; the first: ${error?.message ?? 'unknown'}`,
  );
}
