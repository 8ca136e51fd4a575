// The matmul shape rule the graph builder uses: transposes, broadcast batch axes, symbolic dims,
// and the build-time errors on operands that cannot be multiplied.

import { describe, expect, it } from 'vitest';
import { Graph } from './graph.js';
import { matmulShape } from './shapes.js';

describe('matmulShape', () => {
  it('multiplies the last two axes, transposing either operand first', () => {
    expect(matmulShape([2, 3], [3, 4], false, false)).toEqual([2, 4]);
    expect(matmulShape([3, 2], [3, 4], true, false)).toEqual([2, 4]);
    expect(matmulShape([2, 3], [4, 3], false, true)).toEqual([2, 4]);
  });

  it('broadcasts the batch axes and keeps symbolic dims', () => {
    expect(matmulShape(['batch', 1, 'time', 8], [4, 8, 16], false, false)).toEqual(['batch', 4, 'time', 16]);
    // A symbolic inner dim is assumed to match; the check is at run time.
    expect(matmulShape([2, 'k'], [5, 3], false, false)).toEqual([2, 3]);
  });

  it('names both shapes when an operand has rank below 2 or the inner dims differ', () => {
    expect(() => matmulShape([3], [3, 4], false, false)).toThrow(
      'matmul needs rank >= 2 operands, got [3] and [3, 4]',
    );
    expect(() => matmulShape([2, 3], [4, 3], false, false)).toThrow(
      'matmul: inner dims differ, [2, 3] @ [4, 3]',
    );
    expect(() => matmulShape([2, 3], [3, 4], true, false)).toThrow(
      'matmul: inner dims differ, [2, 3]ᵀ @ [3, 4]',
    );
  });

  it('is what the graph builder infers for a matmul node', () => {
    const graph = new Graph();
    const a = graph.input('a', 'float32', ['batch', 5, 3]);
    const b = graph.input('b', 'float32', [7, 3]);
    expect(graph.matmul(a, b, { transB: true }).shape).toEqual(['batch', 5, 7]);
    expect(() => graph.matmul(a, b)).toThrow(/inner dims differ/);
  });
});
