import { describe, expect, it } from 'vitest';
import type { Datum } from '../backends/training-backend.js';
import type { Trajectory, TurnRecord } from '../conversation/trajectory.js';
import { buildPolicyDatums, policyTokenCount, withRefLogprobs } from './policy-datums.js';

const CLOSE = 12; // decimal digits for hand-computed weights

const METADATA = {
  seed: 1,
  scenarioId: 's1',
  environment: 'test',
  stopReason: 'user_stop',
  startedAt: '2024-01-01T00:00:00.000Z',
  durationMs: 5,
  toolErrors: 0,
} as const;

function trajectory(id: string, turns: TurnRecord[]): Trajectory {
  return { id, messages: [], turns, metadata: METADATA };
}

// A: prompt [1, 2], 3 sampled tokens. B: a single-token completion. C: two turns, 2 + 1 sampled tokens.
const A = trajectory('a', [
  { messageIndex: 1, tokens: { prompt: [1, 2], completion: [3, 4, 5], logprobs: [-0.1, -0.2, -0.3] } },
]);
const B = trajectory('b', [{ messageIndex: 1, tokens: { prompt: [7], completion: [8], logprobs: [-0.5] } }]);
const C_TURNS: TurnRecord[] = [
  { messageIndex: 1, tokens: { prompt: [1], completion: [2, 3], logprobs: [-0.1, -0.2] } },
  { messageIndex: 3, tokens: { prompt: [4], completion: [5], logprobs: [-0.3] } },
];
const C = trajectory('c', C_TURNS);

function weights(datums: readonly Datum[]): number[][] {
  return datums.map((datum) => [...(datum.lossFnInputs.weights ?? [])]);
}

function expectWeights(datums: readonly Datum[], expected: readonly (readonly number[])[]): void {
  const actual = weights(datums);
  expect(actual.map((row) => row.length)).toEqual(expected.map((row) => row.length));
  actual.forEach((row, b) => row.forEach((value, t) => expect(value).toBeCloseTo(expected[b][t], CLOSE)));
}

function total(datums: readonly Datum[]): number {
  return weights(datums)
    .flat()
    .reduce((sum, value) => sum + value, 0);
}

describe('policyTokenCount', () => {
  it('counts the sampled tokens of token-level turns', () => {
    expect([A, B, C].map(policyTokenCount)).toEqual([3, 1, 3]);
    expect(policyTokenCount(trajectory('x', [{ messageIndex: 1 }]))).toBe(0);
  });
});

describe('buildPolicyDatums', () => {
  it('keeps the trajectory tokens and sampling logprobs, with advantage and weight on policy tokens only', () => {
    const [datum] = buildPolicyDatums({ trajectories: [A], advantages: [2], normalisation: 'dapo' });
    expect(datum.modelInput).toEqual([1, 2, 3, 4]);
    expect(datum.lossFnInputs.targetTokens).toEqual([2, 3, 4, 5]);
    expect(datum.lossFnInputs.logprobs).toEqual([0, -0.1, -0.2, -0.3]);
    expect(datum.lossFnInputs.advantages).toEqual([0, 2, 2, 2]); // target 2 is a prompt token
    expectWeights([datum], [[0, 1 / 3, 1 / 3, 1 / 3]]);
  });

  it('gives each turn its own advantage with per-turn advantages', () => {
    const [datum] = buildPolicyDatums({ trajectories: [C], advantages: [[0.5, -1]], normalisation: 'dapo' });
    expect(datum.lossFnInputs.targetTokens).toEqual([2, 3, 4, 5]);
    expect(datum.lossFnInputs.advantages).toEqual([0.5, 0.5, 0, -1]);
    expectWeights([datum], [[1 / 3, 1 / 3, 0, 1 / 3]]);
  });

  it('grpo: 1/(|y_i|·N), a mean per sequence then over sequences, summing to 1', () => {
    const datums = buildPolicyDatums({ trajectories: [A, B], advantages: [1, -1], normalisation: 'grpo' });
    expectWeights(datums, [[0, 1 / 6, 1 / 6, 1 / 6], [1 / 2]]);
    expect(total(datums)).toBeCloseTo(1, CLOSE);
  });

  it('grpo: a trajectory split into two streams shares one per-sequence mean', () => {
    const split = trajectory('split', [
      C_TURNS[0],
      { ...C_TURNS[1], tokens: { ...C_TURNS[1].tokens!, newSequence: true } },
    ]);
    const datums = buildPolicyDatums({ trajectories: [split], advantages: [1], normalisation: 'grpo' });
    expectWeights(datums, [[1 / 3, 1 / 3], [1 / 3]]);
    expect(total(datums)).toBeCloseTo(1, CLOSE);
  });

  it('dr_grpo: the constant 1/(maxCompletionTokens·N)', () => {
    const datums = buildPolicyDatums({
      trajectories: [A, B],
      advantages: [1, -1],
      normalisation: 'dr_grpo',
      maxCompletionTokens: 4,
    });
    expectWeights(datums, [[0, 1 / 8, 1 / 8, 1 / 8], [1 / 8]]);
    expect(total(datums)).toBeCloseTo(4 / 8, CLOSE); // Σ|y_i| / (maxCompletionTokens·N)
  });

  it('dapo: 1/(policy tokens of the batch), summing to 1', () => {
    const datums = buildPolicyDatums({ trajectories: [A, B], advantages: [1, -1], normalisation: 'dapo' });
    expectWeights(datums, [[0, 1 / 4, 1 / 4, 1 / 4], [1 / 4]]);
    expect(total(datums)).toBeCloseTo(1, CLOSE);
  });

  it('bnpo: 1/(policy tokens of each micro-batch); one micro-batch equals dapo', () => {
    const perDatum = buildPolicyDatums({
      trajectories: [A, B, C],
      advantages: [1, -1, 0.5],
      normalisation: 'bnpo',
      microBatchSize: 2,
    });
    // micro-batches [A, B] (4 tokens) and [C] (3 tokens), each summing to 1
    expectWeights(perDatum, [[0, 1 / 4, 1 / 4, 1 / 4], [1 / 4], [1 / 3, 1 / 3, 0, 1 / 3]]);
    expect(total(perDatum.slice(0, 2))).toBeCloseTo(1, CLOSE);
    expect(total(perDatum.slice(2))).toBeCloseTo(1, CLOSE);
    const options = { trajectories: [A, B, C], advantages: [1, -1, 0.5] } as const;
    expect(buildPolicyDatums({ ...options, normalisation: 'bnpo' })).toEqual(
      buildPolicyDatums({ ...options, normalisation: 'dapo' }),
    );
  });

  it('keeps zero-advantage trajectories by default and drops them, before normalising, when asked', () => {
    const kept = buildPolicyDatums({ trajectories: [A, B], advantages: [0, 1], normalisation: 'grpo' });
    expect(kept).toHaveLength(2);
    expect(kept[0].lossFnInputs.advantages).toEqual([0, 0, 0, 0]);
    const dropped = buildPolicyDatums({
      trajectories: [A, B, C],
      advantages: [0, 1, [0, 0]],
      normalisation: 'grpo',
      dropZeroAdvantage: true,
    });
    expect(dropped.map((datum) => datum.modelInput)).toEqual([[7]]);
    expectWeights(dropped, [[1]]);
  });

  it('rejects a trajectory with no policy tokens, naming it', () => {
    const noTokens = trajectory('empty', [{ messageIndex: 1 }]);
    const emptyCompletion = trajectory('blank', [
      { messageIndex: 1, tokens: { prompt: [1, 2], completion: [], logprobs: [] } },
    ]);
    for (const bad of [noTokens, emptyCompletion]) {
      expect(() =>
        buildPolicyDatums({ trajectories: [A, bad], advantages: [1, 1], normalisation: 'grpo' }),
      ).toThrow(
        expect.objectContaining({ code: 'invalid_argument', message: expect.stringContaining(bad.id) }),
      );
    }
  });

  it('attaches reference logprobs per datum and checks their lengths', () => {
    const [datum] = buildPolicyDatums({
      trajectories: [B],
      advantages: [1],
      normalisation: 'grpo',
      refLogprobs: [[-0.4]],
    });
    expect(datum.lossFnInputs.refLogprobs).toEqual([-0.4]);
    expect(() => withRefLogprobs([datum], [[-0.4, -0.1]])).toThrow(/refLogprobs\[0\] has 2 values/);
    expect(() => withRefLogprobs([datum], [])).toThrow(/0 refLogprobs arrays for 1 datums/);
    expect(() => withRefLogprobs([datum], [[Number.NaN]])).toThrow(/refLogprobs\[0\]\[0\]/);
  });

  it('rejects options that do not fit the batch', () => {
    const base = { trajectories: [A, B], advantages: [1, -1] } as const;
    expect(() => buildPolicyDatums({ ...base, advantages: [1], normalisation: 'grpo' })).toThrow(
      /1 advantages for 2 trajectories/,
    );
    expect(() => buildPolicyDatums({ ...base, normalisation: 'dr_grpo' })).toThrow(/maxCompletionTokens/);
    expect(() => buildPolicyDatums({ ...base, normalisation: 'bnpo', microBatchSize: 0 })).toThrow(
      /microBatchSize/,
    );
    expect(() => buildPolicyDatums({ ...base, normalisation: 'mean' as unknown as 'grpo' })).toThrow(
      /Unknown loss normalisation/,
    );
    expect(() => buildPolicyDatums({ ...base, advantages: [1, Number.NaN], normalisation: 'grpo' })).toThrow(
      /advantages\[0\] is NaN/,
    );
  });
});
