// A seeded, reproducible random number generator: xoshiro128** (Blackman & Vigna, 2018,
// https://prng.di.unimi.it/xoshiro128starstar.c), seeded through SplitMix64 as its authors advise.
// Its whole state is JSON, so a checkpoint can save it and a resumed run continue the same stream.

import { EngineError } from '../errors.js';

/** The JSON-serialisable state of an `Rng`: four uint32 words and the cached second normal draw. */
export type RngState = {
  readonly algorithm: 'xoshiro128**';
  readonly words: readonly [number, number, number, number];
  readonly spareNormal: number | null;
};

const MASK_64 = (1n << 64n) - 1n;
const TWO_POW_32 = 0x1_0000_0000;

/** SplitMix64 (Steele, Lea & Flood, 2014): one step from `state`, returning the output and next state. */
export function splitMix64(state: bigint): { readonly output: bigint; readonly state: bigint } {
  const next = (state + 0x9e3779b97f4a7c15n) & MASK_64;
  let z = next;
  z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & MASK_64;
  z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & MASK_64;
  return { output: z ^ (z >> 31n), state: next };
}

/** Four xoshiro words from a 64-bit seed: two SplitMix64 outputs, low word first. */
function wordsFromSeed(seed: bigint): [number, number, number, number] {
  const first = splitMix64(seed & MASK_64);
  const second = splitMix64(first.state);
  const low = (value: bigint) => Number(value & 0xffffffffn);
  const high = (value: bigint) => Number(value >> 32n);
  return [low(first.output), high(first.output), low(second.output), high(second.output)];
}

/** FNV-1a, 64-bit, over bytes: mixes a fork label with the parent's state. */
function fnv1a64(bytes: Uint8Array): bigint {
  let hash = 0xcbf29ce484222325n;
  for (const byte of bytes) hash = ((hash ^ BigInt(byte)) * 0x100000001b3n) & MASK_64;
  return hash;
}

/** A seeded xoshiro128** stream with uniform, normal, integer and shuffle draws. */
export class Rng {
  private readonly words: Uint32Array;
  private spareNormal: number | null = null;

  /** A stream from an integer seed (any safe integer; negative seeds are taken modulo 2^64). */
  constructor(seed: number | bigint) {
    if (typeof seed === 'number' && !Number.isSafeInteger(seed)) {
      throw new EngineError('invalid_argument', `Rng seed must be a safe integer, got ${seed}`);
    }
    this.words = Uint32Array.from(wordsFromSeed(BigInt(seed)));
    // SplitMix64 never yields two zero outputs in a row, so the all-zero state cannot occur.
  }

  /** Restores a stream saved with `getState`; throws EngineError('invalid_argument') for a malformed state. */
  static fromState(state: RngState): Rng {
    const candidate = state as Partial<Record<keyof RngState, unknown>> | null;
    if (typeof candidate !== 'object' || candidate === null || candidate.algorithm !== 'xoshiro128**') {
      throw new EngineError('invalid_argument', 'Rng state: expected algorithm "xoshiro128**"');
    }
    const words = candidate.words;
    const isWord = (word: unknown) =>
      Number.isInteger(word) && (word as number) >= 0 && (word as number) < TWO_POW_32;
    if (!Array.isArray(words) || words.length !== 4 || !words.every(isWord)) {
      throw new EngineError('invalid_argument', 'Rng state: words must be four integers in [0, 2^32)');
    }
    if (words.every((word) => word === 0)) {
      throw new EngineError('invalid_argument', 'Rng state: all-zero words are not a valid xoshiro state');
    }
    const spare = candidate.spareNormal;
    if (spare !== null && !(typeof spare === 'number' && Number.isFinite(spare))) {
      throw new EngineError('invalid_argument', 'Rng state: spareNormal must be a finite number or null');
    }
    const rng = new Rng(0);
    rng.words.set(words as number[]);
    rng.spareNormal = spare;
    return rng;
  }

  /** The exact position in the stream, as plain JSON. */
  getState(): RngState {
    const [a, b, c, d] = this.words;
    return { algorithm: 'xoshiro128**', words: [a, b, c, d], spareNormal: this.spareNormal };
  }

  /** The next uniform integer in [0, 2^32). */
  nextUint32(): number {
    const s = this.words;
    const result = Math.imul(rotl(Math.imul(s[1], 5), 7), 9) >>> 0;
    const t = s[1] << 9;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 11);
    return result;
  }

  /** A uniform float in [0, 1) with 53 random bits (two draws). */
  nextFloat(): number {
    const high = this.nextUint32() >>> 5; // 27 bits
    const low = this.nextUint32() >>> 6; // 26 bits
    return (high * 67108864 + low) / 9007199254740992; // (high·2^26 + low) / 2^53
  }

  /** A standard normal draw (Box–Muller; the second value of each pair is cached for the next call). */
  normal(): number {
    if (this.spareNormal !== null) {
      const spare = this.spareNormal;
      this.spareNormal = null;
      return spare;
    }
    const u1 = 1 - this.nextFloat(); // (0, 1], so the log is finite
    const u2 = this.nextFloat();
    const radius = Math.sqrt(-2 * Math.log(u1));
    this.spareNormal = radius * Math.sin(2 * Math.PI * u2);
    return radius * Math.cos(2 * Math.PI * u2);
  }

  /** A uniform integer in [0, maxExclusive), unbiased (rejection); maxExclusive is an integer in [1, 2^32]. */
  int(maxExclusive: number): number {
    if (!Number.isInteger(maxExclusive) || maxExclusive < 1 || maxExclusive > TWO_POW_32) {
      throw new EngineError(
        'invalid_argument',
        `Rng.int: maxExclusive must be an integer in [1, 2^32], got ${maxExclusive}`,
      );
    }
    const limit = TWO_POW_32 - (TWO_POW_32 % maxExclusive); // largest multiple of maxExclusive ≤ 2^32
    for (;;) {
      const draw = this.nextUint32();
      if (draw < limit) return draw % maxExclusive;
    }
  }

  /** Shuffles `items` in place (Fisher–Yates) and returns it. */
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      [items[i], items[j]] = [items[j], items[i]];
    }
    return items;
  }

  /**
   * An independent stream derived from this one's current state and `label`, without advancing
   * this one: the same label at the same point gives the same stream, different labels differ.
   */
  fork(label: string): Rng {
    const label8 = new TextEncoder().encode(label);
    const bytes = new Uint8Array(16 + label8.length);
    const view = new DataView(bytes.buffer);
    this.words.forEach((word, index) => view.setUint32(4 * index, word, true)); // same bytes on any host
    bytes.set(label8, 16);
    return new Rng(fnv1a64(bytes));
  }
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}
