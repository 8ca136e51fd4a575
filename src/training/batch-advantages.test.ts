import { describe, expect, it } from 'vitest';
import type { Trajectory } from '../conversation/trajectory.js';
import { batchAdvantages } from './batch-advantages.js';
import type { ScoredGroup } from './rollout-collection.js';
import { tokenTrajectory } from './test-support/token-trajectory.js';

const turn = { prompt: [1], completion: [2], logprobs: [-1] };

function group(id: string, rewards: readonly (number | undefined)[], tokenless: number[] = []): ScoredGroup {
  const trajectories: Trajectory[] = rewards.map((_, index) =>
    tokenTrajectory({ id: `${id}-${index}`, groupId: id, turns: tokenless.includes(index) ? [] : [turn] }),
  );
  return { group: { groupId: id, scenarioId: 's', seed: 1, trajectories }, rewards };
}

describe('batchAdvantages', () => {
  it('computes each group on its own and flags groups of equal rewards', () => {
    const result = batchAdvantages({
      groups: [group('a', [1, 0, 1, 0]), group('b', [0.5, 0.5])],
      estimator: 'dr_grpo',
      scaleByStd: false,
    });
    expect(result.rollouts.map((rollout) => [rollout.trajectory.id, rollout.advantage])).toEqual([
      ['a-0', 0.5],
      ['a-1', -0.5],
      ['a-2', 0.5],
      ['a-3', -0.5],
      ['b-0', 0],
      ['b-1', 0],
    ]);
    expect(result.zeroVariance).toEqual([false, true]);
    expect(result.unscored).toBe(0);
  });

  it('leaves unscored rollouts out of the statistics and rollouts without tokens out of the update', () => {
    const result = batchAdvantages({
      groups: [group('a', [1, undefined, 0, 0.5], [3]), group('b', [1, undefined])],
      estimator: 'rloo',
      scaleByStd: true,
    });
    // group a scores [1, 0, 0.5]: RLOO r_i − mean of the others; a-3 has no tokens to train
    expect(result.rollouts.map((rollout) => [rollout.trajectory.id, rollout.advantage])).toEqual([
      ['a-0', 0.75],
      ['a-2', -0.75],
    ]);
    expect(result.zeroVariance).toEqual([false, true]); // one scored reward is no signal
    expect(result.unscored).toBe(2);
  });

  it('with a batch baseline, moves each group by λ times its mean reward minus the step mean', () => {
    const groups = [group('a', [1, 0, 1, 0]), group('b', [1, 1]), group('c', [0, 0, undefined])];
    // Scored rewards: a 1, 0, 1, 0 (mean 0.5); b 1, 1 (mean 1); c 0, 0 (mean 0); step mean 4 / 8 = 0.5.
    const result = batchAdvantages({ groups, estimator: 'dr_grpo', scaleByStd: false, batchBaseline: 0.5 });
    expect(result.rollouts.map((rollout) => [rollout.trajectory.id, rollout.advantage])).toEqual([
      ['a-0', 0.5],
      ['a-1', -0.5],
      ['a-2', 0.5],
      ['a-3', -0.5],
      ['b-0', 0.25], // 0 + 0.5 · (1 − 0.5): the all-success group now reinforces what it did
      ['b-1', 0.25],
      ['c-0', -0.25],
      ['c-1', -0.25],
    ]);
    // The flags still describe the groups' own rewards.
    expect(result.zeroVariance).toEqual([false, true, true]);
    // λ = 1: a pure batch baseline, r − step mean, for dr_grpo.
    const full = batchAdvantages({ groups, estimator: 'dr_grpo', scaleByStd: false, batchBaseline: 1 });
    expect(full.rollouts.map((rollout) => rollout.advantage)).toEqual([
      0.5, -0.5, 0.5, -0.5, 0.5, 0.5, -0.5, -0.5,
    ]);
    // The group term keeps its estimator's scaling: grpo's (1 − 0.5) / sample std 0.5774 …
    const scaled = batchAdvantages({ groups, estimator: 'grpo', scaleByStd: true, batchBaseline: 0.5 });
    expect(scaled.rollouts[0].advantage).toBeCloseTo(0.5 / Math.sqrt(1 / 3), 5);
    expect(scaled.rollouts[4].advantage).toBeCloseTo(0.25, 10);
  });

  it('rejects a batch baseline outside [0, 1], naming it', () => {
    for (const batchBaseline of [-0.1, 1.5, Number.NaN]) {
      expect(() =>
        batchAdvantages({ groups: [group('a', [1, 0])], estimator: 'grpo', scaleByStd: true, batchBaseline }),
      ).toThrow(/batchBaseline must be in \[0, 1\]/);
    }
  });
});
