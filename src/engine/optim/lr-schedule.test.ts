import { describe, expect, it } from 'vitest';
import { learningRateAt, type LearningRateOptions } from './lr-schedule.js';

const BASE: LearningRateOptions = {
  step: 0,
  baseLr: 1e-3,
  warmupSteps: 10,
  totalSteps: 110,
  schedule: 'cosine',
  minLrRatio: 0.1,
};
const at = (step: number, overrides: Partial<LearningRateOptions> = {}): number =>
  learningRateAt({ ...BASE, ...overrides, step });

describe('learningRateAt', () => {
  it('warms up linearly from baseLr / warmupSteps to baseLr', () => {
    expect(at(0)).toBeCloseTo(1e-4, 12);
    expect(at(4)).toBeCloseTo(5e-4, 12);
    expect(at(9)).toBeCloseTo(1e-3, 12);
  });

  it('decays by cosine from baseLr to minLr at totalSteps and stays there', () => {
    expect(at(10)).toBeCloseTo(1e-3, 12);
    expect(at(60)).toBeCloseTo(1e-4 + 0.5 * (1e-3 - 1e-4), 12);
    expect(at(110)).toBeCloseTo(1e-4, 12);
    expect(at(500)).toBeCloseTo(1e-4, 12);
    expect(at(30)).toBeGreaterThan(at(31));
  });

  it('decays linearly to minLr', () => {
    const linear = { schedule: 'linear' as const };
    expect(at(10, linear)).toBeCloseTo(1e-3, 12);
    expect(at(35, linear)).toBeCloseTo(1e-3 - 0.25 * 9e-4, 12);
    expect(at(110, linear)).toBeCloseTo(1e-4, 12);
    expect(at(111, linear)).toBeCloseTo(1e-4, 12);
  });

  it('holds baseLr after warmup for constant, ignoring minLrRatio', () => {
    expect(at(5, { schedule: 'constant' })).toBeCloseTo(6e-4, 12);
    expect(at(10, { schedule: 'constant' })).toBe(1e-3);
    expect(at(10_000, { schedule: 'constant' })).toBe(1e-3);
  });

  it('starts at baseLr without warmup and decays to 0 by default', () => {
    const options = { warmupSteps: 0, totalSteps: 100, minLrRatio: undefined };
    expect(at(0, options)).toBe(1e-3);
    expect(at(100, options)).toBeCloseTo(0, 15);
  });

  it('drops to minLr right after warmup when totalSteps equals warmupSteps', () => {
    expect(at(9, { totalSteps: 10 })).toBeCloseTo(1e-3, 12);
    expect(at(10, { totalSteps: 10 })).toBeCloseTo(1e-4, 12);
  });

  it('rejects invalid options', () => {
    const argument = expect.objectContaining({ code: 'invalid_argument' });
    expect(() => at(-1)).toThrow(argument);
    expect(() => at(1.5)).toThrow(argument);
    expect(() => at(0, { baseLr: -1 })).toThrow(argument);
    expect(() => at(0, { warmupSteps: -2 })).toThrow(argument);
    expect(() => at(0, { totalSteps: 5 })).toThrow(argument);
    expect(() => at(0, { minLrRatio: 1.5 })).toThrow(argument);
    expect(() => at(0, { schedule: 'step' as 'linear' })).toThrow(argument);
  });
});
