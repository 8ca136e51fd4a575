import { describe, expect, it } from 'vitest';
import { canonicalJson } from './canonical-json.js';
import { sameJson } from './same-json.js';

describe('sameJson', () => {
  it('agrees with comparing canonical texts', () => {
    const pairs: [unknown, unknown][] = [
      [
        { a: 1, b: [1, 2] },
        { b: [1, 2], a: 1 },
      ],
      [{ a: 1 }, { a: 1, b: 2 }],
      [{ a: 1, b: 2 }, { a: 1 }],
      [{ a: undefined }, { b: undefined }],
      [
        [1, 2],
        [2, 1],
      ],
      [[1], { 0: 1 }],
      [{ 0: 1 }, [1]],
      [0, -0],
      [null, {}],
      ['1', 1],
      [{ a: { b: { c: [true] } } }, { a: { b: { c: [false] } } }],
    ];
    for (const [left, right] of pairs) {
      let expected: boolean;
      try {
        expected = canonicalJson(left) === canonicalJson(right);
      } catch {
        expected = false;
      }
      expect(sameJson(left, right), JSON.stringify([left, right])).toBe(expected);
    }
  });
});
