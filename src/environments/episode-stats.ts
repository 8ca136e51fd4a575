// Counts over a batch of trajectories: how episodes ended, agent errors, timeouts and tool errors,
// so that failures are visible in the metrics rather than hidden in rewards.

import type { StopReason, Trajectory } from '../conversation/trajectory.js';

/** What happened in a batch of episodes. */
export type EpisodeStats = {
  readonly episodes: number;
  readonly stopReasons: Readonly<Partial<Record<StopReason, number>>>;
  readonly agentErrors: number;
  readonly timeouts: number;
  readonly toolErrors: number;
};

/** Counts stop reasons, agent errors, timeouts and tool errors over `trajectories`. */
export function summarizeEpisodes(trajectories: readonly Trajectory[]): EpisodeStats {
  const stopReasons: Partial<Record<StopReason, number>> = {};
  let toolErrors = 0;
  for (const trajectory of trajectories) {
    const reason = trajectory.metadata.stopReason;
    stopReasons[reason] = (stopReasons[reason] ?? 0) + 1;
    toolErrors += trajectory.metadata.toolErrors;
  }
  return {
    episodes: trajectories.length,
    stopReasons,
    agentErrors: stopReasons.agent_error ?? 0,
    timeouts: stopReasons.timeout ?? 0,
    toolErrors,
  };
}
