import { describe, expect, it } from 'vitest';
import { EngineError } from '../errors.js';
import { Rng, splitMix64, type RngState } from './random.js';

function draws(rng: Rng, count: number): number[] {
  return Array.from({ length: count }, () => rng.nextUint32());
}

describe('splitMix64', () => {
  it('matches the reference implementation', () => {
    expect(splitMix64(1234567n).output).toBe(6457827717110365317n);
  });
});

describe('Rng', () => {
  it('matches the reference xoshiro128** for state [1, 2, 3, 4]', () => {
    const rng = Rng.fromState({ algorithm: 'xoshiro128**', words: [1, 2, 3, 4], spareNormal: null });
    expect(draws(rng, 4)).toEqual([11520, 0, 5927040, 70819200]);
  });

  it('seeds through SplitMix64 as the reference C code does', () => {
    const rng = new Rng(42);
    expect(rng.getState().words).toEqual([803958421, 3184996902, 2993090819, 686809907]);
    expect(draws(rng, 6)).toEqual([1776835114, 4165204688, 17111135, 2317295270, 2792088233, 2554630222]);
  });

  it('is deterministic for a seed and differs between seeds', () => {
    expect(draws(new Rng(7), 20)).toEqual(draws(new Rng(7), 20));
    expect(draws(new Rng(7), 20)).not.toEqual(draws(new Rng(8), 20));
    expect(draws(new Rng(7n), 5)).toEqual(draws(new Rng(7), 5));
  });

  it('accepts negative seeds modulo 2^64', () => {
    expect(draws(new Rng(-1), 5)).toEqual(draws(new Rng((1n << 64n) - 1n), 5));
  });

  it('rejects a non-integer seed', () => {
    expect(() => new Rng(0.5)).toThrow(EngineError);
    expect(() => new Rng(Number.NaN)).toThrow(expect.objectContaining({ code: 'invalid_argument' }));
  });

  it('continues the same sequence after a JSON state round trip, spare normal included', () => {
    const rng = new Rng(3);
    draws(rng, 10);
    rng.normal(); // leaves a spare cached
    const state = JSON.parse(JSON.stringify(rng.getState())) as RngState;
    expect(state.spareNormal).not.toBeNull();
    const resumed = Rng.fromState(state);
    expect([resumed.normal(), resumed.nextFloat(), resumed.nextUint32()]).toEqual([
      rng.normal(),
      rng.nextFloat(),
      rng.nextUint32(),
    ]);
  });

  it('rejects malformed states', () => {
    const good: RngState = { algorithm: 'xoshiro128**', words: [1, 2, 3, 4], spareNormal: null };
    const bad = [
      { ...good, algorithm: 'pcg32' },
      { ...good, words: [1, 2, 3] },
      { ...good, words: [1, 2, 3, 2 ** 32] },
      { ...good, words: [1, 2, 3, -1] },
      { ...good, words: [1, 2, 3, 0.5] },
      { ...good, words: [0, 0, 0, 0] },
      { ...good, spareNormal: Number.NaN },
      { ...good, spareNormal: '1' },
      null,
    ];
    for (const state of bad) {
      expect(() => Rng.fromState(state as unknown as RngState)).toThrow(
        expect.objectContaining({ code: 'invalid_argument' }),
      );
    }
  });

  it('draws floats in [0, 1) with mean about 1/2', () => {
    const rng = new Rng(11);
    let sum = 0;
    let outside = 0;
    for (let i = 0; i < 100_000; i++) {
      const value = rng.nextFloat();
      if (value < 0 || value >= 1) outside++;
      sum += value;
    }
    expect(outside).toBe(0);
    expect(Math.abs(sum / 100_000 - 0.5)).toBeLessThan(0.005);
  });

  it('draws normals with mean about 0 and standard deviation about 1', () => {
    const rng = new Rng(5);
    const count = 100_000;
    let sum = 0;
    let sumSquares = 0;
    for (let i = 0; i < count; i++) {
      const value = rng.normal();
      sum += value;
      sumSquares += value * value;
    }
    const mean = sum / count;
    const std = Math.sqrt(sumSquares / count - mean * mean);
    expect(Math.abs(mean)).toBeLessThan(0.01); // standard error 0.003
    expect(Math.abs(std - 1)).toBeLessThan(0.01);
  });

  it('draws every integer below the bound about equally often', () => {
    const rng = new Rng(9);
    const counts = new Array<number>(6).fill(0);
    for (let i = 0; i < 60_000; i++) counts[rng.int(6)]++;
    for (const count of counts) expect(Math.abs(count - 10_000)).toBeLessThan(400);
    expect(rng.int(1)).toBe(0);
    expect(rng.int(2 ** 32)).toBeLessThan(2 ** 32);
  });

  it('rejects bad int bounds', () => {
    const rng = new Rng(1);
    for (const bound of [0, -3, 1.5, 2 ** 32 + 1, Number.NaN]) {
      expect(() => rng.int(bound)).toThrow(expect.objectContaining({ code: 'invalid_argument' }));
    }
  });

  it('shuffles in place into a seeded permutation', () => {
    const items = Array.from({ length: 20 }, (_, i) => i);
    const shuffled = new Rng(2).shuffle([...items]);
    expect(shuffled).not.toEqual(items);
    expect([...shuffled].sort((a, b) => a - b)).toEqual(items);
    expect(new Rng(2).shuffle([...items])).toEqual(shuffled);
    const target = [1, 2, 3];
    expect(new Rng(2).shuffle(target)).toBe(target);
    expect(new Rng(2).shuffle([])).toEqual([]);
  });

  it('forks reproducible streams per label without advancing the parent', () => {
    const parent = new Rng(4);
    const before = parent.getState();
    const a = draws(parent.fork('data'), 10);
    expect(parent.getState()).toEqual(before);
    expect(draws(parent.fork('data'), 10)).toEqual(a);
    expect(draws(parent.fork('init'), 10)).not.toEqual(a);
    expect(a).not.toEqual(draws(new Rng(4), 10));
    parent.nextUint32();
    expect(draws(parent.fork('data'), 10)).not.toEqual(a);
  });
});
