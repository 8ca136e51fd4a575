// Many episodes at once: a bounded pool of concurrent episodes, each with its own forked agent, and
// GRPO groups (Shao et al. 2024, arXiv:2402.03300): G rollouts of one scenario with one user seed.

import { setMaxListeners } from 'node:events';
import { randomUUID } from 'node:crypto';
import type { TrajectoryGroup } from '../conversation/trajectory.js';
import { EnvironmentError } from '../errors.js';
import { summarizeEpisodes, type EpisodeStats } from './episode-stats.js';
import { runEpisode, type Episode, type RunEpisodeOptions } from './run-episode.js';

/** One episode to run. */
export type EpisodeSpec = {
  readonly seed: number;
  readonly scenarioId?: string;
  readonly split?: string;
  readonly groupId?: string;
  readonly id?: string;
};

/** Options shared by every episode of a batch. */
export type SharedEpisodeOptions<TState> = Omit<
  RunEpisodeOptions<TState>,
  'seed' | 'scenarioId' | 'split' | 'groupId' | 'id'
>;

/** Options of `runEpisodes`. */
export type RunEpisodesOptions<TState> = SharedEpisodeOptions<TState> & {
  readonly episodes: readonly EpisodeSpec[];
  /** Episodes in flight at once; default 8. */
  readonly concurrency?: number;
};

/** Episodes in the order of their specs, and counts over them. */
export type EpisodeBatch<TState> = {
  readonly episodes: readonly Episode<TState>[];
  readonly stats: EpisodeStats;
};

/**
 * Runs the episodes, at most `concurrency` at a time, each with `agent.fork()`. If one throws (an
 * environment failure), the others are cancelled and that first error is rethrown.
 */
export async function runEpisodes<TState>(
  options: RunEpisodesOptions<TState>,
): Promise<EpisodeBatch<TState>> {
  const { episodes: specs, concurrency = 8, ...shared } = options;
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new EnvironmentError(
      'invalid_argument',
      `concurrency must be a positive integer, got ${concurrency}`,
    );
  }
  const batch = new AbortController();
  // Every episode in flight listens on this signal; more than Node's default 10 is expected, not a leak.
  setMaxListeners(0, batch.signal);
  const onOuterAbort = () => batch.abort(options.signal?.reason);
  options.signal?.addEventListener('abort', onOuterAbort, { once: true });
  if (options.signal?.aborted) batch.abort(options.signal.reason);

  const results: Episode<TState>[] = new Array(specs.length);
  let next = 0;
  let firstError: { error: unknown } | undefined;
  const worker = async () => {
    while (next < specs.length && firstError === undefined) {
      const index = next++;
      try {
        results[index] = await runEpisode({
          ...shared,
          ...specs[index],
          agent: shared.agent.fork(),
          signal: batch.signal,
        });
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
  return { episodes: results, stats: summarizeEpisodes(results.map((episode) => episode.trajectory)) };
}

/** Options of `runGroup`. */
export type RunGroupOptions<TState> = SharedEpisodeOptions<TState> & {
  /** The user seed all rollouts share (and the scenario draw when no scenario is given). */
  readonly seed: number;
  readonly scenarioId?: string;
  readonly split?: string;
  /** G, the number of rollouts. */
  readonly size: number;
  /** A random UUID by default. */
  readonly groupId?: string;
  readonly concurrency?: number;
};

/** A GRPO group: the trajectories, their episodes (with final states) and counts. */
export type EpisodeGroup<TState> = EpisodeBatch<TState> & { readonly group: TrajectoryGroup };

/** Runs G rollouts of one scenario with the same seed and one groupId; only the agent's sampling differs. */
export async function runGroup<TState>(options: RunGroupOptions<TState>): Promise<EpisodeGroup<TState>> {
  const { seed, scenarioId, split, size, groupId = randomUUID(), ...shared } = options;
  if (!Number.isInteger(size) || size < 1) {
    throw new EnvironmentError('invalid_argument', `group size must be a positive integer, got ${size}`);
  }
  const spec: EpisodeSpec = { seed, scenarioId, split, groupId };
  const batch = await runEpisodes({ ...shared, episodes: Array.from({ length: size }, () => spec) });
  const trajectories = batch.episodes.map((episode) => episode.trajectory);
  const scenarios = new Set(trajectories.map((trajectory) => trajectory.metadata.scenarioId));
  if (scenarios.size !== 1) {
    throw new EnvironmentError(
      'environment_data_invalid',
      `environment ${shared.environment.name} drew different scenarios for one seed: ${[...scenarios].join(', ')}`,
    );
  }
  return {
    ...batch,
    group: { groupId, scenarioId: trajectories[0].metadata.scenarioId, seed, trajectories },
  };
}
