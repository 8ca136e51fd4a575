// Grouping trajectories by `groupId`: a GRPO group is the trajectories of one scenario and seed.

import { ConversationError } from './conversation-error.js';
import type { Trajectory, TrajectoryGroup } from './trajectory.js';

/**
 * Trajectories grouped by `groupId`, groups and members in order of first appearance. Throws
 * ConversationError('invalid_trajectory') for a trajectory without a groupId, or a group whose
 * members differ in scenario or seed.
 */
export function groupTrajectories(trajectories: readonly Trajectory[]): TrajectoryGroup[] {
  const groups = new Map<string, { scenarioId: string; seed: number; trajectories: Trajectory[] }>();
  for (const trajectory of trajectories) {
    const { groupId } = trajectory;
    if (groupId === undefined) {
      throw new ConversationError('invalid_trajectory', `Trajectory ${trajectory.id} has no groupId.`);
    }
    const { scenarioId, seed } = trajectory.metadata;
    const group = groups.get(groupId);
    if (group === undefined) {
      groups.set(groupId, { scenarioId, seed, trajectories: [trajectory] });
      continue;
    }
    if (group.scenarioId !== scenarioId || group.seed !== seed) {
      throw new ConversationError(
        'invalid_trajectory',
        `Trajectory ${trajectory.id} (scenario ${scenarioId}, seed ${seed}) does not match group ${groupId} ` +
          `(scenario ${group.scenarioId}, seed ${group.seed}).`,
      );
    }
    group.trajectories.push(trajectory);
  }
  return [...groups].map(([groupId, group]) => ({ groupId, ...group }));
}
