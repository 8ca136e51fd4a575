import { describe, expect, it } from 'vitest';
import { GradAccumulator } from './grad-accumulator.js';

/** float32 rounding of gradients summed in a different order. */
const FLOAT32_TOLERANCE = 1e-6;

/** Gradient of the mean squared error ½·mean((w·x − y)²) over `examples` with respect to w (a scalar) and b. */
function meanLossGradient(
  examples: readonly (readonly [number, number])[],
  w: number,
  b: number,
): Float32Array[] {
  let gradW = 0;
  let gradB = 0;
  for (const [x, y] of examples) {
    const residual = w * x + b - y;
    gradW += residual * x;
    gradB += residual;
  }
  return [new Float32Array([gradW / examples.length]), new Float32Array([gradB / examples.length])];
}

const EXAMPLES: (readonly [number, number])[] = Array.from({ length: 12 }, (_, i) => [
  i * 0.3 - 1,
  Math.sin(i),
]);

describe('GradAccumulator', () => {
  it('makes N micro-batches of a mean loss equal one batch of N·b examples', () => {
    const full = meanLossGradient(EXAMPLES, 0.7, -0.2);
    const accumulator = new GradAccumulator({ sizes: [1, 1] });
    for (let start = 0; start < EXAMPLES.length; start += 4) {
      accumulator.add(meanLossGradient(EXAMPLES.slice(start, start + 4), 0.7, -0.2), { weight: 4 });
    }
    expect(accumulator.count).toBe(3);
    expect(accumulator.totalWeight).toBe(12);
    const mean = accumulator.result();
    expect(mean[0][0]).toBeCloseTo(full[0][0], 6);
    expect(mean[1][0]).toBeCloseTo(full[1][0], 6);
  });

  it('weights unequal micro-batches by their size', () => {
    const full = meanLossGradient(EXAMPLES, 0.7, -0.2);
    const accumulator = new GradAccumulator({ sizes: [1, 1] });
    accumulator.add(meanLossGradient(EXAMPLES.slice(0, 2), 0.7, -0.2), { weight: 2 });
    accumulator.add(meanLossGradient(EXAMPLES.slice(2), 0.7, -0.2), { weight: 10 });
    const mean = accumulator.result({ reduction: 'mean' });
    expect(Math.abs(mean[0][0] - full[0][0])).toBeLessThan(FLOAT32_TOLERANCE);
    expect(Math.abs(mean[1][0] - full[1][0])).toBeLessThan(FLOAT32_TOLERANCE);
  });

  it('returns the plain sum with reduction sum, into given arrays', () => {
    const accumulator = new GradAccumulator({ sizes: [2] });
    accumulator.add([new Float32Array([1, 2])]);
    accumulator.add([new Float32Array([10, 20])], { weight: 0.5 });
    const out = [new Float32Array(2)];
    const result = accumulator.result({ reduction: 'sum', out });
    expect(result[0]).toBe(out[0]);
    expect([...out[0]]).toEqual([6, 12]);
    expect([...accumulator.result()[0]]).toEqual([4, 8]);
  });

  it('starts over after reset', () => {
    const accumulator = new GradAccumulator({ sizes: [1] });
    accumulator.add([new Float32Array([5])]);
    accumulator.reset();
    expect(accumulator.count).toBe(0);
    expect(accumulator.totalWeight).toBe(0);
    accumulator.add([new Float32Array([2])]);
    expect([...accumulator.result()[0]]).toEqual([2]);
  });

  it('rejects mismatched shapes, bad weights and a mean of nothing', () => {
    const accumulator = new GradAccumulator({ sizes: [2, 3] });
    const shape = expect.objectContaining({ code: 'shape_mismatch' });
    const argument = expect.objectContaining({ code: 'invalid_argument' });
    expect(() => accumulator.add([new Float32Array(2)])).toThrow(shape);
    expect(() => accumulator.add([new Float32Array(2), new Float32Array(4)])).toThrow(shape);
    expect(() => accumulator.add([new Float32Array(2), new Float32Array(3)], { weight: -1 })).toThrow(
      argument,
    );
    expect(() => accumulator.add([new Float32Array(2), new Float32Array(3)], { weight: Number.NaN })).toThrow(
      argument,
    );
    expect(() => accumulator.result()).toThrow(argument);
    expect(() => accumulator.result({ reduction: 'sum', out: [new Float32Array(2)] })).toThrow(shape);
    expect(accumulator.count).toBe(0);
  });
});
