import { describe, expect, it } from 'vitest';
import { latencySummary, mean, quantile, round } from './stats.js';

describe('quantile', () => {
  it('interpolates linearly between the closest ranks, as NumPy does by default', () => {
    expect(quantile([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(quantile([10, 0, 5], 0)).toBe(0);
    expect(quantile([10, 0, 5], 1)).toBe(10);
    expect(quantile([0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100], 0.95)).toBeCloseTo(95, 10);
    expect(quantile([7], 0.99)).toBe(7);
  });

  it('refuses no values and a q outside [0, 1]', () => {
    expect(() => quantile([], 0.5)).toThrow('quantile of no values');
    expect(() => quantile([1], 1.5)).toThrow('[0, 1]');
    expect(() => quantile([1], Number.NaN)).toThrow('[0, 1]');
    expect(() => mean([])).toThrow('mean of no values');
  });

  it('summarises latencies rounded to 0.01 ms', () => {
    const latencies = Array.from({ length: 100 }, (_, i) => i + 1 + 1 / 3);
    expect(latencySummary(latencies)).toEqual({
      count: 100,
      p50: 50.83,
      p95: 95.38,
      p99: 99.34,
      mean: 50.83,
    });
    expect(round(1.005, 1)).toBe(1);
  });
});
