import { describe, expect, it } from 'vitest';
import { RewardError } from '../errors.js';
import { lengthPenalty, lengthScore } from './length-penalty.js';
import { say, scoreTrajectory, trajectoryOf } from './test-support/trajectory-fixture.js';

const lookup = say.call('c1', 'get_order', { order_id: '#W1' });

describe('lengthPenalty', () => {
  it('is flat up to the target and decays smoothly above it (at_most), or on both sides (around)', () => {
    const shape = { target: 100, scale: 50, mode: 'at_most' as const };
    expect(lengthScore(10, shape)).toBe(1);
    expect(lengthScore(100, shape)).toBe(1);
    expect(lengthScore(150, shape)).toBeCloseTo(Math.exp(-1), 12);
    expect(lengthScore(101, shape)).toBeGreaterThan(0.999); // no kink at the target
    expect(lengthScore(50, { ...shape, mode: 'around' })).toBeCloseTo(Math.exp(-1), 12);
  });

  it('averages over assistant replies with text, in characters or tokens', async () => {
    const trajectory = trajectoryOf(
      [
        say.user('x'),
        say.assistant('a'.repeat(10)),
        say.assistant('', [lookup]),
        say.assistant('b'.repeat(30)),
      ],
      { completionTokens: [4, 9, 20] },
    );
    const chars = lengthPenalty({ target: 10, scale: 20 });
    expect(await scoreTrajectory(chars, trajectory)).toBeCloseTo((1 + Math.exp(-1)) / 2, 12);
    const tokens = lengthPenalty({ target: 4, scale: 8, unit: 'tokens' });
    expect(await scoreTrajectory(tokens, trajectory)).toBeCloseTo((1 + Math.exp(-4)) / 2, 12);
  });

  it('is undefined without replies, and fails loudly when token counts are missing', async () => {
    const toolOnly = trajectoryOf([say.user('x'), say.assistant('', [lookup])]);
    expect(await scoreTrajectory(lengthPenalty({ target: 10 }), toolOnly)).toBeUndefined();
    const textOnly = trajectoryOf([say.user('x'), say.assistant('hello there')]);
    const tokens = lengthPenalty({ target: 10, unit: 'tokens' });
    await expect(scoreTrajectory(tokens, textOnly)).rejects.toThrow(/no token record/);
    const counted = lengthPenalty({
      target: 2,
      scale: 1,
      unit: 'tokens',
      countTokens: (t) => t.split(' ').length,
    });
    expect(await scoreTrajectory(counted, textOnly)).toBe(1);
    expect(() => lengthPenalty({ target: 0 })).toThrow(RewardError);
    expect(() => lengthPenalty({ target: 10, scale: -1 })).toThrow(RewardError);
  });
});
