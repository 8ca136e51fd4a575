import { describe, expect, it } from 'vitest';
import type { Trajectory } from './trajectory.js';
import { groupTrajectories } from './trajectory-groups.js';

function trajectory(id: string, groupId: string | undefined, scenarioId = 's', seed = 1): Trajectory {
  return {
    id,
    groupId,
    messages: [],
    turns: [],
    metadata: {
      seed,
      scenarioId,
      environment: 'e',
      stopReason: 'max_turns',
      startedAt: '',
      durationMs: 0,
      toolErrors: 0,
    },
  };
}

describe('groupTrajectories', () => {
  it('groups by groupId in order of first appearance', () => {
    const groups = groupTrajectories([
      trajectory('a', 'g2', 'x', 3),
      trajectory('b', 'g1'),
      trajectory('c', 'g2', 'x', 3),
    ]);
    expect(groups.map((g) => [g.groupId, g.scenarioId, g.seed, g.trajectories.map((t) => t.id)])).toEqual([
      ['g2', 'x', 3, ['a', 'c']],
      ['g1', 's', 1, ['b']],
    ]);
  });

  it('rejects a trajectory without a group, and groups that mix scenarios or seeds', () => {
    expect(() => groupTrajectories([trajectory('a', undefined)])).toThrow(/a has no groupId/);
    expect(() => groupTrajectories([trajectory('a', 'g'), trajectory('b', 'g', 'other')])).toThrow(
      /does not match group g/,
    );
    expect(() => groupTrajectories([trajectory('a', 'g'), trajectory('b', 'g', 's', 2)])).toThrow(
      expect.objectContaining({ code: 'invalid_trajectory' }),
    );
  });
});
