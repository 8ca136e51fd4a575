import { describe, expect, it } from 'vitest';
import { LocalTrainingBackend } from '../backends/local-backend.js';
import type { Trajectory, TrajectoryGroup } from '../conversation/trajectory.js';
import { LanguageModel } from '../models/language-model.js';
import { runRejectionSamplingFineTuning, selectBestOfGroups } from './rejection-sampling.js';
import { sftLoss } from './sft-loss.js';
import { trajectorySftSequences } from './sft.js';

/** A one-turn trajectory whose policy sampled `completion` after `prompt`, with a reward. */
function rollout(
  id: string,
  reward: number | undefined,
  completion: number[],
  prompt = [1, 2, 3],
): Trajectory {
  return {
    id,
    ...(reward === undefined ? {} : { reward }),
    messages: [
      { role: 'user', content: 'q' },
      { role: 'assistant', content: 'a' },
    ],
    turns: [{ messageIndex: 1, tokens: { prompt, completion, logprobs: completion.map(() => -1) } }],
    metadata: {
      seed: 0,
      scenarioId: 's',
      environment: 'e',
      stopReason: 'user_stop',
      startedAt: '2025-01-01T00:00:00.000Z',
      durationMs: 1,
      toolErrors: 0,
    },
  };
}

function group(groupId: string, trajectories: Trajectory[]): TrajectoryGroup {
  return { groupId, scenarioId: 's', seed: 0, trajectories };
}

describe('rejection-sampling fine-tuning', () => {
  it('keeps the best trajectory of each group that reaches the threshold', () => {
    const groups = [
      group('g1', [rollout('a', 0.2, [4]), rollout('b', 0.9, [5]), rollout('c', 0.5, [6])]),
      group('g2', [rollout('d', 0.1, [4]), rollout('e', 0.3, [5])]),
      group('g3', [rollout('f', 1, [4])]),
    ];
    const best = selectBestOfGroups({ groups, threshold: 0.5 });
    expect(best.selected.map((trajectory) => trajectory.id)).toEqual(['b', 'f']);
    expect(best.rejectedGroups).toBe(1);
  });

  it('breaks ties by fewer sampled tokens, then by order in the group', () => {
    const groups = [
      group('long-first', [
        rollout('long', 1, [4, 5, 6]),
        rollout('short', 1, [4]),
        rollout('short-too', 1, [5]),
      ]),
      group('equal', [rollout('first', 1, [4, 5]), rollout('second', 1, [6, 7])]),
    ];
    const best = selectBestOfGroups({ groups, threshold: 1 });
    expect(best.selected.map((trajectory) => trajectory.id)).toEqual(['short', 'first']);
  });

  it('scores with a given reward function, and refuses trajectories without a reward', () => {
    const groups = [group('g', [rollout('a', undefined, [4]), rollout('b', undefined, [5, 6])])];
    const byLength = selectBestOfGroups({
      groups,
      threshold: 0,
      reward: (trajectory) => trajectory.turns[0].tokens?.completion.length ?? 0,
    });
    expect(byLength.selected.map((trajectory) => trajectory.id)).toEqual(['b']);
    expect(() => selectBestOfGroups({ groups, threshold: 0 })).toThrow(
      /Trajectory a of group g has no finite reward/,
    );
  });

  it('fine-tunes on the exact tokens of the selected trajectories, and on nothing when none pass', async () => {
    const model = new LanguageModel({
      config: { vocabSize: 16, width: 16, layers: 1, heads: 2, mlpWidth: 32, contextLength: 16 },
      seed: 0,
      threads: 1,
    });
    const backend = new LocalTrainingBackend({ model });
    const good = rollout('good', 1, [7, 8, 9]);
    const bad = rollout('bad', 0, [10, 11, 12]);
    const groups = [group('g', [bad, good])];
    const goodLoss = () => sftLoss({ backend, sequences: trajectorySftSequences([good]) });
    const badLoss = () => sftLoss({ backend, sequences: trajectorySftSequences([bad]) });
    const [goodBefore, badBefore] = [await goodLoss(), await badLoss()];

    const none = await runRejectionSamplingFineTuning({ backend, groups, threshold: 2, steps: 5 });
    expect(none).toEqual({ selected: [], rejectedGroups: 1 });
    expect(backend.stepCount).toBe(0);

    const result = await runRejectionSamplingFineTuning({
      backend,
      groups,
      threshold: 0.5,
      steps: 20,
      learningRate: 1e-2,
    });
    expect(result.selected.map((trajectory) => trajectory.id)).toEqual(['good']);
    expect(result.sft?.steps).toHaveLength(20);
    expect(await goodLoss()).toBeLessThan(goodBefore / 2);
    expect(await badLoss()).toBeGreaterThan(badBefore);
  });
});
