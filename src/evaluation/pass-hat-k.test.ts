import { describe, expect, it } from 'vitest';
import { passHatK, passHatKCurve } from './pass-hat-k.js';

const TOLERANCE_DIGITS = 12;

describe('passHatK', () => {
  // Three tasks, three trials: c = 2, 0, 3.
  const tasks = [
    [1, 1, 0],
    [0, 0, 0],
    [1, 1, 1],
  ];

  it('averages C(c, k) / C(n, k) over tasks (hand-computed)', () => {
    // k = 1: (2/3 + 0 + 1) / 3 = 5/9
    expect(passHatK({ successesPerTask: tasks, k: 1 })).toBeCloseTo(5 / 9, TOLERANCE_DIGITS);
    // k = 2: (C(2,2)/C(3,2) = 1/3 + 0 + 1) / 3 = 4/9
    expect(passHatK({ successesPerTask: tasks, k: 2 })).toBeCloseTo(4 / 9, TOLERANCE_DIGITS);
    // k = 3: (0 + 0 + 1) / 3 = 1/3
    expect(passHatK({ successesPerTask: tasks, k: 3 })).toBeCloseTo(1 / 3, TOLERANCE_DIGITS);
  });

  it('is the success rate at k = 1 and unbiased for larger n', () => {
    // n = 4, c = 3: pass^2 = C(3,2)/C(4,2) = 3/6, pass^3 = C(3,3)/C(4,3) = 1/4
    expect(passHatK({ successesPerTask: [[1, 0, 1, 1]], k: 1 })).toBe(0.75);
    expect(passHatK({ successesPerTask: [[1, 0, 1, 1]], k: 2 })).toBeCloseTo(0.5, TOLERANCE_DIGITS);
    expect(passHatK({ successesPerTask: [[1, 0, 1, 1]], k: 3 })).toBeCloseTo(0.25, TOLERANCE_DIGITS);
    expect(passHatK({ successesPerTask: [[1, 0, 1, 1]], k: 4 })).toBe(0);
  });

  it('allows tasks with different trial counts', () => {
    // (C(1,1)/C(2,1) = 1/2 + C(2,1)/C(3,1) = 2/3) / 2 = 7/12
    expect(
      passHatK({
        successesPerTask: [
          [1, 0],
          [0, 1, 1],
        ],
        k: 1,
      }),
    ).toBeCloseTo(7 / 12, TOLERANCE_DIGITS);
  });

  it('throws for k > n, a bad k, no tasks, no trials, or a trial that is not 0/1', () => {
    expect(() => passHatK({ successesPerTask: [[1, 1], [1]], k: 2 })).toThrow(
      /pass\^2 needs at least 2 trials; task 1 has 1/,
    );
    expect(() => passHatK({ successesPerTask: tasks, k: 0 })).toThrow(/integer k >= 1, got 0/);
    expect(() => passHatK({ successesPerTask: tasks, k: 1.5 })).toThrow(/integer k >= 1/);
    expect(() => passHatK({ successesPerTask: [], k: 1 })).toThrow(/at least one task/);
    expect(() => passHatK({ successesPerTask: [[]], k: 1 })).toThrow(/task 0 has no trials/);
    expect(() => passHatK({ successesPerTask: [[1, 0.5]], k: 1 })).toThrow(
      /task 0 trial 1 is 0.5, expected 0 or 1/,
    );
  });
});

describe('passHatKCurve', () => {
  it('gives pass^1 … pass^n', () => {
    const curve = passHatKCurve([
      [1, 1, 0],
      [0, 0, 0],
      [1, 1, 1],
    ]);
    expect(curve).toHaveLength(3);
    [5 / 9, 4 / 9, 1 / 3].forEach((value, index) =>
      expect(curve[index]).toBeCloseTo(value, TOLERANCE_DIGITS),
    );
  });

  it('stops at the smallest trial count, and is flat for always/never solved tasks', () => {
    expect(
      passHatKCurve([
        [1, 1, 1],
        [0, 0],
      ]),
    ).toEqual([0.5, 0.5]);
    expect(() => passHatKCurve([])).toThrow(/at least one task/);
  });
});
