import { describe, expect, it } from 'vitest';
import { DROPOUT_MODULUS, dropoutMix, mulMod } from './dropout-hash.js';
import { Graph } from './graph.js';
import { compileGraph } from './onnx-executor.js';
import { runReference } from './reference-executor.js';
import { Rng } from './random.js';
import { floatTensor, int64Tensor } from './tensor.js';

/** Allowed deviation of an observed keep fraction over 60,000 draws (binomial std ≈ 0.002). */
const FRACTION_TOLERANCE = 0.01;

function maskGraph(rate: number, salt: number): Graph {
  const graph = new Graph();
  const like = graph.input('x', 'float32', ['B', 'T', 40]);
  const seed = graph.input('seed', 'int64', []);
  graph.output('mask', graph.dropoutMask(like, seed, { rate, salt }));
  return graph;
}

function referenceMask(rate: number, salt: number, seed: number, shape = [3, 500, 40]): Float64Array {
  const feeds = {
    x: floatTensor(new Float32Array(shape.reduce((p, d) => p * d, 1)), shape),
    seed: int64Tensor([seed], []),
  };
  return runReference(maskGraph(rate, salt), feeds).mask.data;
}

describe('dropout hash arithmetic', () => {
  it('mulMod is exact for operands up to 2^31 − 2 (checked with BigInt)', () => {
    const rng = new Rng(4);
    const P = BigInt(DROPOUT_MODULUS);
    for (let n = 0; n < 2000; n++) {
      const a = n === 0 ? DROPOUT_MODULUS - 1 : rng.int(DROPOUT_MODULUS);
      const b = n === 0 ? DROPOUT_MODULUS - 1 : rng.int(DROPOUT_MODULUS);
      expect(mulMod(a, b)).toBe(Number((BigInt(a) * BigInt(b)) % P));
    }
  });

  it('mix is A·x⁵ + C modulo P (checked with BigInt)', () => {
    const P = BigInt(DROPOUT_MODULUS);
    for (const x of [0, 1, 2, 12345, DROPOUT_MODULUS - 1]) {
      const big = (48271n * BigInt(x) ** 5n + 1013904223n) % P;
      expect(dropoutMix(x)).toBe(Number(big));
    }
  });
});

describe('dropoutMask', () => {
  it.each([0.1, 0.5, 0.9])('keeps 1 − %s of the elements, scaled by 1/(1 − rate)', (rate) => {
    const mask = referenceMask(rate, 3, 11);
    const kept = mask.filter((v) => v !== 0);
    expect(new Set(kept)).toEqual(new Set([1 / (1 - rate)]));
    expect(Math.abs(kept.length / mask.length - (1 - rate))).toBeLessThan(FRACTION_TOLERANCE);
  });

  it('rate 0 keeps everything', () => {
    expect(referenceMask(0, 0, 5).every((v) => v === 1)).toBe(true);
  });

  it('differs between seeds and between salts, and neighbours are independent', () => {
    const base = referenceMask(0.5, 1, 100);
    const agreement = (other: Float64Array) => other.filter((v, i) => v === base[i]).length / base.length;
    // Independent masks of rate 0.5 agree on half the elements.
    expect(Math.abs(agreement(referenceMask(0.5, 1, 101)) - 0.5)).toBeLessThan(FRACTION_TOLERANCE);
    expect(Math.abs(agreement(referenceMask(0.5, 2, 100)) - 0.5)).toBeLessThan(FRACTION_TOLERANCE);
    expect(agreement(referenceMask(0.5, 1, 100))).toBe(1);
    const neighbours = base.slice(1).filter((v, i) => v === base[i]).length / (base.length - 1);
    expect(Math.abs(neighbours - 0.5)).toBeLessThan(FRACTION_TOLERANCE);
  });

  it('ONNX Runtime draws exactly the reference mask, for symbolic shapes', async () => {
    const graph = maskGraph(0.3, 77);
    const compiled = await compileGraph(graph, { threads: 1 });
    try {
      for (const [seed, shape] of [
        [0, [2, 7, 40]],
        [123456789, [3, 500, 40]],
      ] as const) {
        const feeds = {
          x: floatTensor(new Float32Array(shape[0] * shape[1] * 40), [...shape]),
          seed: int64Tensor([seed], []),
        };
        const actual = (await compiled.run(feeds)).mask;
        expect(actual.shape).toEqual(shape);
        const expected = referenceMask(0.3, 77, seed, [...shape]);
        expect(Array.from(actual.data as Float32Array)).toEqual(Array.from(expected, Math.fround));
      }
    } finally {
      await compiled.dispose();
    }
  });

  it('rejects a rate outside [0, 1), a bad salt and a non-scalar seed', () => {
    const graph = new Graph();
    const x = graph.input('x', 'float32', [2]);
    const seed = graph.input('seed', 'int64', []);
    expect(() => graph.dropoutMask(x, seed, { rate: 1, salt: 0 })).toThrow(/rate must be in \[0, 1\)/);
    expect(() => graph.dropoutMask(x, seed, { rate: 0.1, salt: -1 })).toThrow(/salt must be an integer/);
    const seeds = graph.input('seeds', 'int64', [2]);
    expect(() => graph.dropoutMask(x, seeds, { rate: 0.1, salt: 0 })).toThrow(/seed must be a scalar/);
    expect(() => graph.dropoutMask(x, x, { rate: 0.1, salt: 0 })).toThrow(/expected int64/);
  });
});
