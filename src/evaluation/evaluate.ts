// Evaluation runs: every task of a split, `trials` times, with a fresh agent per episode, at most
// `concurrency` episodes at once; each episode is scored as it ends (its final state is then dropped).

import { setMaxListeners } from 'node:events';
import type { Agent } from '../agents/agent.js';
import type { StopReason, Trajectory } from '../conversation/trajectory.js';
import { Rng } from '../engine/random.js';
import { EvaluationError } from './evaluation-error.js';
import type { Environment } from '../environments/environment.js';
import { runEpisode, type Episode } from '../environments/run-episode.js';
import type { StopCondition } from '../environments/stop-conditions.js';

/** How one episode scored: the reward, its named parts, and whether it counts as a success. */
export type EpisodeScore = {
  readonly reward: number;
  readonly parts: Readonly<Record<string, number>>;
  readonly success: boolean;
};

/** Which episode an agent is made for. */
export type EvaluationEpisode = {
  readonly scenarioId: string;
  /** 0-based trial number. */
  readonly trial: number;
  /** The episode's seed (simulated user; use it for the agent's sampling too). */
  readonly seed: number;
};

/** One finished trial of one task. */
export type EvaluationTrial = EvaluationEpisode &
  EpisodeScore & {
    readonly turns: number;
    readonly stopReason: StopReason;
    readonly trajectory: Trajectory;
  };

/** A task's trials, in trial order. */
export type EvaluationTask = { readonly scenarioId: string; readonly trials: readonly EvaluationTrial[] };

/** Options of `evaluate`. */
export type EvaluateOptions<TState> = {
  readonly environment: Environment<TState>;
  /** The tasks, in report order. */
  readonly scenarioIds: readonly string[];
  /** Trials per task, at least 1. */
  readonly trials: number;
  /** A fresh agent for each episode (scripted agents may depend on the task). */
  readonly agentFor: (episode: EvaluationEpisode) => Agent | PromiseLike<Agent>;
  /** Scores a finished episode; a throw fails the evaluation. */
  readonly score: (episode: Episode<TState>) => EpisodeScore | PromiseLike<EpisodeScore>;
  /** Seeds every episode (see `episodeSeed`); default 0. */
  readonly seed?: number;
  /** Episodes in flight at once; default 8. */
  readonly concurrency?: number;
  /** When an episode ends; default the environment runner's (user stop or 30 turns). */
  readonly stop?: StopCondition;
  readonly stepTimeoutMs?: number;
  readonly signal?: AbortSignal;
  /** Called as each episode finishes, with how many are done; awaited. */
  readonly onEpisode?: (trial: EvaluationTrial, done: number, total: number) => void | PromiseLike<void>;
};

/** The seed of one trial of one task: fixed by the evaluation seed, the task and the trial number. */
export function episodeSeed(seed: number, scenarioId: string, trial: number): number {
  return new Rng(seed).fork(`${scenarioId}/${trial}`).int(2 ** 31);
}

/**
 * Runs `trials` episodes of every task and scores them. Episodes run trial-major (all tasks' first
 * trials, then the second …) so that an interrupted run has even coverage. An agent's failure ends
 * its episode ('agent_error', a failure like any other); an environment or scoring failure cancels
 * the rest and is rethrown.
 */
export async function evaluate<TState>(options: EvaluateOptions<TState>): Promise<EvaluationTask[]> {
  const { environment, scenarioIds, trials, concurrency = 8, seed = 0 } = options;
  for (const [name, value] of [
    ['trials', trials],
    ['concurrency', concurrency],
  ] as const) {
    if (!Number.isInteger(value) || value < 1) {
      throw new EvaluationError(
        'invalid_argument',
        `evaluate: ${name} must be a positive integer, got ${value}`,
      );
    }
  }
  const specs: EvaluationEpisode[] = [];
  for (let trial = 0; trial < trials; trial++) {
    for (const scenarioId of scenarioIds)
      specs.push({ scenarioId, trial, seed: episodeSeed(seed, scenarioId, trial) });
  }
  const batch = new AbortController();
  // Every episode in flight listens on this signal; more than Node's default 10 is expected, not a leak.
  setMaxListeners(0, batch.signal);
  const onOuterAbort = () => batch.abort(options.signal?.reason);
  options.signal?.addEventListener('abort', onOuterAbort, { once: true });
  if (options.signal?.aborted) batch.abort(options.signal.reason);

  const results: EvaluationTrial[] = new Array(specs.length);
  let next = 0;
  let done = 0;
  let firstError: { error: unknown } | undefined;
  const runOne = async (spec: EvaluationEpisode): Promise<EvaluationTrial> => {
    const episode = await runEpisode({
      environment,
      agent: await options.agentFor(spec),
      seed: spec.seed,
      scenarioId: spec.scenarioId,
      stop: options.stop,
      stepTimeoutMs: options.stepTimeoutMs,
      signal: batch.signal,
    });
    const score = await options.score(episode);
    const { trajectory } = episode;
    return {
      ...spec,
      reward: score.reward,
      parts: score.parts,
      success: score.success,
      turns: trajectory.turns.length,
      stopReason: trajectory.metadata.stopReason,
      trajectory,
    };
  };
  const worker = async () => {
    while (next < specs.length && firstError === undefined) {
      const index = next++;
      try {
        results[index] = await runOne(specs[index]);
        await options.onEpisode?.(results[index], ++done, specs.length);
      } catch (error) {
        firstError ??= { error };
        batch.abort(error);
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(concurrency, specs.length) }, worker));
  } finally {
    options.signal?.removeEventListener('abort', onOuterAbort);
  }
  if (firstError !== undefined) throw firstError.error;
  return scenarioIds.map((scenarioId, task) => ({
    scenarioId,
    trials: Array.from({ length: trials }, (_, trial) => results[trial * scenarioIds.length + task]),
  }));
}
