import { describe, expect, it } from 'vitest';
import { CLIP_NORM_EPSILON, clipGradNorm, globalGradNorm } from './grad-clip.js';

/** float32 rounding of the scaled gradients. */
const FLOAT32_TOLERANCE = 1e-6;

describe('globalGradNorm', () => {
  it('is the L2 norm of all gradients together', () => {
    expect(globalGradNorm([new Float32Array([3]), new Float32Array([0, 4])])).toBe(5);
    expect(globalGradNorm([])).toBe(0);
  });

  it('accumulates in float64 so many small squares are not lost', () => {
    const grad = new Float32Array(4_000_000).fill(1e-3);
    expect(globalGradNorm([grad])).toBeCloseTo(Math.sqrt(4_000_000) * 1e-3, 6);
  });

  it('does not overflow on large float32 values', () => {
    expect(globalGradNorm([new Float32Array([1.5e38, 2e38])]) / 2.5e38).toBeCloseTo(1, 6);
  });
});

describe('clipGradNorm', () => {
  it('scales gradients to maxNorm / (norm + 1e-6) and returns the pre-clip norm', () => {
    const grads = [new Float32Array([3, 0]), new Float32Array([4])];
    expect(clipGradNorm(grads, 1)).toBe(5);
    const scale = 1 / (5 + CLIP_NORM_EPSILON);
    expect(grads[0][0]).toBeCloseTo(3 * scale, 6);
    expect(grads[1][0]).toBeCloseTo(4 * scale, 6);
    expect(Math.abs(globalGradNorm(grads) - 1)).toBeLessThan(FLOAT32_TOLERANCE);
  });

  it('leaves gradients under the limit untouched', () => {
    const grads = [new Float32Array([0.3, 0.4])];
    expect(clipGradNorm(grads, 1)).toBeCloseTo(0.5, 6);
    expect([...grads[0]]).toEqual([Math.fround(0.3), Math.fround(0.4)]);
  });

  it('returns a non-finite norm without scaling', () => {
    const withNaN = [new Float32Array([1, Number.NaN, 100])];
    expect(clipGradNorm(withNaN, 1)).toBeNaN();
    expect(withNaN[0][2]).toBe(100);
    const withInfinity = [new Float32Array([Number.POSITIVE_INFINITY, 100])];
    expect(clipGradNorm(withInfinity, 1)).toBe(Number.POSITIVE_INFINITY);
    expect(withInfinity[0][1]).toBe(100);
  });

  it('rejects a maxNorm that is not positive and finite', () => {
    const argument = expect.objectContaining({ code: 'invalid_argument' });
    expect(() => clipGradNorm([new Float32Array(1)], 0)).toThrow(argument);
    expect(() => clipGradNorm([new Float32Array(1)], Number.NaN)).toThrow(argument);
  });
});
