import { describe, expect, it } from 'vitest';
import type { Trajectory, TurnRecord } from './trajectory.js';
import { trajectorySequences, trajectoryToDatum, trajectoryToDatums } from './trajectory-datum.js';
import { sequenceToDatum } from './token-sequence.js';

const METADATA = {
  seed: 1,
  scenarioId: 's1',
  environment: 'test',
  stopReason: 'user_stop',
  startedAt: '2024-01-01T00:00:00.000Z',
  durationMs: 5,
  toolErrors: 0,
} as const;

function trajectory(turns: TurnRecord[]): Trajectory {
  return {
    id: 't1',
    messages: [
      { role: 'user', content: 'a' },
      { role: 'assistant', content: 'b' },
      { role: 'user', content: 'c' },
      { role: 'assistant', content: 'd' },
    ],
    turns,
    metadata: METADATA,
  };
}

const TWO_TURNS: TurnRecord[] = [
  { messageIndex: 1, tokens: { prompt: [1, 2], completion: [3, 4], logprobs: [-0.1, -0.2] } },
  { messageIndex: 3, tokens: { prompt: [5], completion: [6], logprobs: [-0.3] } },
];

describe('trajectorySequences', () => {
  it('concatenates prompts and completions with the mask on completions only', () => {
    expect(trajectorySequences(trajectory(TWO_TURNS))).toEqual([
      {
        tokens: [1, 2, 3, 4, 5, 6],
        mask: [0, 0, 1, 1, 0, 1],
        logprobs: [0, 0, -0.1, -0.2, 0, -0.3],
        turnIndex: [0, 0, 0, 0, 1, 1],
      },
    ]);
  });

  it('starts a new stream at a newSequence turn and skips turns without tokens', () => {
    const turns: TurnRecord[] = [
      TWO_TURNS[0],
      { messageIndex: 3, tokens: { ...TWO_TURNS[1].tokens!, newSequence: true } },
    ];
    expect(trajectorySequences(trajectory(turns)).map((s) => s.tokens)).toEqual([
      [1, 2, 3, 4],
      [5, 6],
    ]);
    expect(trajectorySequences(trajectory([{ messageIndex: 1 }, TWO_TURNS[1]])).map((s) => s.tokens)).toEqual(
      [[5, 6]],
    );
  });

  it('rejects logprobs that do not match the completion', () => {
    const bad: TurnRecord[] = [
      { messageIndex: 1, tokens: { prompt: [1], completion: [2, 3], logprobs: [-1] } },
    ];
    expect(() => trajectorySequences(trajectory(bad))).toThrow(
      expect.objectContaining({ code: 'invalid_trajectory' }),
    );
  });
});

describe('trajectoryToDatum', () => {
  it('shifts tokens into inputs and targets, with weights and logprobs aligned to targets', () => {
    expect(trajectoryToDatum(trajectory(TWO_TURNS))).toEqual({
      modelInput: [1, 2, 3, 4, 5],
      lossFnInputs: {
        targetTokens: [2, 3, 4, 5, 6],
        weights: [0, 1, 1, 0, 1],
        logprobs: [0, -0.1, -0.2, 0, -0.3],
      },
    });
  });

  it('puts a scalar advantage on every sampled token, or one per turn', () => {
    expect(trajectoryToDatum(trajectory(TWO_TURNS), { advantages: 0.5 }).lossFnInputs.advantages).toEqual([
      0, 0.5, 0.5, 0, 0.5,
    ]);
    expect(trajectoryToDatum(trajectory(TWO_TURNS), { advantages: [1, -2] }).lossFnInputs.advantages).toEqual(
      [0, 1, 1, 0, -2],
    );
    expect(() => trajectoryToDatum(trajectory(TWO_TURNS), { advantages: [1] })).toThrow(
      /1 advantages for the 2 turns/,
    );
    expect(() => trajectoryToDatum(trajectory(TWO_TURNS), { advantages: Number.NaN })).toThrow(/NaN/);
  });

  it('refuses trajectories with no token turns or several streams', () => {
    expect(() => trajectoryToDatum(trajectory([{ messageIndex: 1 }]))).toThrow(/no token-level turns/);
    const split: TurnRecord[] = [
      TWO_TURNS[0],
      { messageIndex: 3, tokens: { ...TWO_TURNS[1].tokens!, newSequence: true } },
    ];
    expect(() => trajectoryToDatum(trajectory(split))).toThrow(/2 token streams; use trajectoryToDatums/);
    expect(trajectoryToDatums(trajectory(split))).toHaveLength(2);
  });
});

describe('sequenceToDatum', () => {
  it('rejects sequences too short, misaligned, or starting with a sampled token', () => {
    const base = { tokens: [1, 2], mask: [0, 1], logprobs: [0, -1], turnIndex: [0, 0] };
    expect(() => sequenceToDatum({ ...base, tokens: [1], mask: [0], logprobs: [0] })).toThrow(
      /at least two tokens/,
    );
    expect(() => sequenceToDatum({ ...base, mask: [0] })).toThrow(/mask has 1 values for 2 tokens/);
    expect(() => sequenceToDatum(base, { advantages: [1] })).toThrow(/advantages has 1 values/);
    expect(() => sequenceToDatum({ ...base, mask: [1, 1] })).toThrow(/first token is sampled/);
  });
});
