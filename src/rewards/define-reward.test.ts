import { describe, expect, it } from 'vitest';
import { RewardError } from '../errors.js';
import { defineReward } from './define-reward.js';
import { say, scoreTrajectory, trajectoryOf } from './test-support/trajectory-fixture.js';

describe('defineReward', () => {
  it('wraps a sync or async score function under its name', async () => {
    const trajectory = trajectoryOf([say.user('hi')]);
    const sync = defineReward({ name: 'turns', score: ({ trajectory: t }) => t.messages.length });
    const later = defineReward({ name: 'later.v2', score: async () => undefined });
    expect(sync.name).toBe('turns');
    expect(await scoreTrajectory(sync, trajectory)).toBe(1);
    expect(await scoreTrajectory(later, trajectory)).toBeUndefined();
  });

  it('rejects names that cannot be part of a metric name, and a missing score', () => {
    for (const name of ['', 'a/b', ' padded', '_private', 'has space']) {
      expect(() => defineReward({ name, score: () => 1 }), name).toThrow(RewardError);
    }
    expect(() => defineReward({ name: 'x', score: undefined as unknown as () => number })).toThrow(
      /score must be a function/,
    );
  });
});
