import { describe, expect, it } from 'vitest';
import {
  computeGroupAdvantages,
  discountedTurnReturns,
  drGrpoAdvantages,
  groupRelativeAdvantages,
  rlooAdvantages,
} from './advantages.js';

const CLOSE = 12; // decimal digits for hand-computed values

function expectClose(actual: readonly number[], expected: readonly number[]): void {
  expect(actual).toHaveLength(expected.length);
  actual.forEach((value, i) => expect(value).toBeCloseTo(expected[i], CLOSE));
}

describe('groupRelativeAdvantages', () => {
  // rewards [1, 2, 3, 6]: mean 3, deviations [−2, −1, 0, 3], Σ squares 14.
  const rewards = [1, 2, 3, 6];

  it('divides by the sample std (n − 1) by default', () => {
    const std = Math.sqrt(14 / 3);
    expectClose(groupRelativeAdvantages({ rewards, scaleByStd: true, epsilon: 0 }), [
      -2 / std,
      -1 / std,
      0,
      3 / std,
    ]);
  });

  it('divides by the population std (n) when asked', () => {
    const std = Math.sqrt(14 / 4);
    expectClose(groupRelativeAdvantages({ rewards, scaleByStd: true, std: 'population', epsilon: 0 }), [
      -2 / std,
      -1 / std,
      0,
      3 / std,
    ]);
  });

  it('adds ε to the std: [0, 1] has sample std √0.5, so ε = 0.5 gives ±0.5/(√0.5 + 0.5)', () => {
    const denominator = Math.SQRT1_2 + 0.5;
    expectClose(groupRelativeAdvantages({ rewards: [0, 1], scaleByStd: true, epsilon: 0.5 }), [
      -0.5 / denominator,
      0.5 / denominator,
    ]);
    // the default ε = 1e-6 barely moves the value
    expect(groupRelativeAdvantages({ rewards: [0, 1], scaleByStd: true })[1]).toBeCloseTo(
      0.5 / (Math.SQRT1_2 + 1e-6),
      CLOSE,
    );
  });

  it('centres only when scaleByStd is false', () => {
    expectClose(groupRelativeAdvantages({ rewards, scaleByStd: false }), [-2, -1, 0, 3]);
  });

  it('rejects a single-reward group when scaling by std', () => {
    expect(() => groupRelativeAdvantages({ rewards: [1], scaleByStd: true })).toThrow(
      expect.objectContaining({ code: 'invalid_argument', message: expect.stringMatching(/G ≥ 2/) }),
    );
    expect(groupRelativeAdvantages({ rewards: [1], scaleByStd: false })).toEqual([0]);
  });

  it('rejects non-finite rewards by index, empty groups and a bad ε', () => {
    expect(() => groupRelativeAdvantages({ rewards: [1, Number.NaN], scaleByStd: true })).toThrow(
      expect.objectContaining({ code: 'invalid_argument', message: expect.stringMatching(/rewards\[1\]/) }),
    );
    expect(() => groupRelativeAdvantages({ rewards: [], scaleByStd: false })).toThrow(/empty/);
    expect(() => groupRelativeAdvantages({ rewards: [0, 1], scaleByStd: true, epsilon: -1 })).toThrow(
      /epsilon/,
    );
  });
});

describe('drGrpoAdvantages', () => {
  it('is r − mean without std scaling', () => {
    expectClose(drGrpoAdvantages([1, 2, 3, 6]), [-2, -1, 0, 3]);
  });

  it('rejects a non-finite reward by index', () => {
    expect(() => drGrpoAdvantages([0, Number.POSITIVE_INFINITY])).toThrow(/rewards\[1\]/);
  });
});

describe('rlooAdvantages', () => {
  it('subtracts the mean of the other rewards', () => {
    // [1, 2, 3, 6]: others' means 11/3, 10/3, 3, 2
    expectClose(rlooAdvantages([1, 2, 3, 6]), [1 - 11 / 3, 2 - 10 / 3, 0, 4]);
    expectClose(rlooAdvantages([0, 1]), [-1, 1]);
  });

  it('needs G ≥ 2 and finite rewards', () => {
    expect(() => rlooAdvantages([1])).toThrow(expect.objectContaining({ code: 'invalid_argument' }));
    expect(() => rlooAdvantages([1, Number.NaN, 2])).toThrow(/rewards\[1\]/);
  });
});

describe('discountedTurnReturns', () => {
  it('sums discounted future turn rewards, with the final reward at the last turn', () => {
    // r = [1, 0, 2 + 4], γ = 0.5: G_2 = 6, G_1 = 0 + 3 = 3, G_0 = 1 + 1.5 = 2.5
    expectClose(
      discountedTurnReturns({ turnRewards: [1, 0, 2], finalReward: 4, discount: 0.5 }),
      [2.5, 3, 6],
    );
  });

  it('treats absent turn rewards as 0 and γ = 1 as plain sums, γ = 0 as immediate rewards', () => {
    expectClose(
      discountedTurnReturns({ turnRewards: [undefined, 1, undefined], finalReward: 2, discount: 1 }),
      [3, 3, 2],
    );
    expectClose(discountedTurnReturns({ turnRewards: [1, 2], finalReward: 3, discount: 0 }), [1, 5]);
  });

  it('returns [] for no turns and validates γ and rewards', () => {
    expect(discountedTurnReturns({ turnRewards: [], finalReward: 1, discount: 0.9 })).toEqual([]);
    expect(() => discountedTurnReturns({ turnRewards: [1], discount: 1.5 })).toThrow(/discount/);
    expect(() => discountedTurnReturns({ turnRewards: [1, Number.NaN], discount: 0.9 })).toThrow(
      /turnRewards\[1\]/,
    );
    expect(() => discountedTurnReturns({ turnRewards: [1], finalReward: Number.NaN, discount: 0.9 })).toThrow(
      /finalReward/,
    );
  });
});

describe('computeGroupAdvantages', () => {
  it('gives zero advantages and zeroVariance for a group of equal rewards, with every estimator', () => {
    for (const estimator of ['grpo', 'dr_grpo', 'rloo'] as const) {
      expect(computeGroupAdvantages({ rewards: [0.7, 0.7, 0.7], estimator })).toEqual({
        advantages: [0, 0, 0],
        zeroVariance: true,
      });
    }
    // within the 1e-12 tolerance: no amplified rounding noise
    expect(computeGroupAdvantages({ rewards: [0.3, 0.1 + 0.2], estimator: 'grpo' }).zeroVariance).toBe(true);
    expect(computeGroupAdvantages({ rewards: [1], estimator: 'rloo' })).toEqual({
      advantages: [0],
      zeroVariance: true,
    });
  });

  it('dispatches to the chosen estimator', () => {
    const rewards = [1, 2, 3, 6];
    const std = Math.sqrt(14 / 3);
    const grpo = computeGroupAdvantages({ rewards, estimator: 'grpo', epsilon: 0 });
    expect(grpo.zeroVariance).toBe(false);
    expectClose(grpo.advantages, [-2 / std, -1 / std, 0, 3 / std]);
    expectClose(
      computeGroupAdvantages({ rewards, estimator: 'grpo', scaleByStd: false }).advantages,
      [-2, -1, 0, 3],
    );
    expectClose(
      computeGroupAdvantages({ rewards, estimator: 'grpo', std: 'population', epsilon: 0 }).advantages,
      [-2, -1, 0, 3].map((value) => value / Math.sqrt(3.5)),
    );
    expectClose(computeGroupAdvantages({ rewards, estimator: 'dr_grpo' }).advantages, [-2, -1, 0, 3]);
    expectClose(computeGroupAdvantages({ rewards, estimator: 'rloo' }).advantages, rlooAdvantages(rewards));
  });

  it('rejects non-finite rewards by index and unknown estimators', () => {
    expect(() => computeGroupAdvantages({ rewards: [1, 2, Number.NaN], estimator: 'grpo' })).toThrow(
      expect.objectContaining({ code: 'invalid_argument', message: expect.stringMatching(/rewards\[2\]/) }),
    );
    expect(() => computeGroupAdvantages({ rewards: [1, 2], estimator: 'ppo' as unknown as 'grpo' })).toThrow(
      /Unknown advantage estimator/,
    );
  });
});
