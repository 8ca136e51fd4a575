import { describe, expect, it } from 'vitest';
import { summarizeRollouts, zeroStdFraction } from './rollout-metrics.js';
import { tokenTrajectory } from './test-support/token-trajectory.js';

describe('rollout metrics', () => {
  it('averages turns and estimates entropy as the mean −logprob of sampled tokens', () => {
    const summary = summarizeRollouts([
      tokenTrajectory({
        id: 'a',
        turns: [
          { prompt: [1], completion: [2, 3], logprobs: [-1, -2] },
          { prompt: [4], completion: [5], logprobs: [-3] },
        ],
      }),
      tokenTrajectory({
        id: 'b',
        turns: [{ prompt: [1], completion: [2, 3], logprobs: [-0.5, -1.5] }],
        stopReason: 'agent_error',
      }),
    ]);
    expect(summary).toEqual({
      episodes: 2,
      turnsMean: 1.5,
      completionTokens: 5,
      entropy: (1 + 2 + 3 + 0.5 + 1.5) / 5,
      agentErrors: 1,
    });
  });

  it('gives the fraction of zero-variance groups, 0 for none', () => {
    expect(zeroStdFraction([true, false, false, true])).toBe(0.5);
    expect(zeroStdFraction([])).toBe(0);
  });
});
