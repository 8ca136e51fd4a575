// Float64 host tensors for the reference executor, and the broadcasting index arithmetic its kernels share.
// Broadcasting follows numpy: shapes align at the right, a size-1 axis repeats.

import { EngineError } from '../errors.js';
import type { DType } from './ir.js';
import { formatShape, sizeOf } from './shapes.js';
import type { Tensor } from './tensor.js';

/** A tensor of the reference executor: every dtype stored as float64 values (ints exact, bools 0/1). */
export type ReferenceTensor = {
  readonly dtype: DType;
  readonly shape: readonly number[];
  readonly data: Float64Array;
};

/** A value fed to the reference executor: a host tensor, or a float64 tensor for full-precision feeds. */
export type Feed = Tensor | ReferenceTensor;

/** A feed as a float64 reference tensor (shares the data when it already is float64). */
export function toReferenceTensor(feed: Feed): ReferenceTensor {
  if (feed.data instanceof Float64Array) return feed as ReferenceTensor;
  const data = Float64Array.from(feed.data as ArrayLike<number | bigint>, (v) => Number(v));
  return { dtype: feed.dtype, shape: [...feed.shape], data };
}

/** Row-major strides of a concrete shape. */
export function stridesOf(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length);
  let stride = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = stride;
    stride *= shape[i];
  }
  return strides;
}

/** Numpy broadcasting of two concrete shapes, or an EngineError 'shape_mismatch' naming the op. */
export function broadcastRuntime(a: readonly number[], b: readonly number[], context: string): number[] {
  const rank = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < rank; i++) {
    const x = i < rank - a.length ? 1 : a[i - (rank - a.length)];
    const y = i < rank - b.length ? 1 : b[i - (rank - b.length)];
    if (x !== y && x !== 1 && y !== 1) {
      throw new EngineError(
        'shape_mismatch',
        `${context}: cannot broadcast ${formatShape(a)} with ${formatShape(b)}`,
      );
    }
    out.push(x === 1 ? y : x);
  }
  return out;
}

/**
 * For every flat index of shape `to`, the flat index of the element of `from` that numpy
 * broadcasting reads there. Throws 'shape_mismatch' when `from` does not broadcast to `to`.
 */
export function broadcastIndexMap(
  from: readonly number[],
  to: readonly number[],
  context: string,
): Int32Array {
  const rank = to.length;
  const offset = rank - from.length;
  if (offset < 0)
    throw new EngineError(
      'shape_mismatch',
      `${context}: cannot broadcast ${formatShape(from)} to ${formatShape(to)}`,
    );
  const fromStrides = stridesOf(from);
  const strides = to.map((d, i) => {
    const f = i < offset ? 1 : from[i - offset];
    if (f !== d && f !== 1)
      throw new EngineError(
        'shape_mismatch',
        `${context}: cannot broadcast ${formatShape(from)} to ${formatShape(to)}`,
      );
    return i < offset || f === 1 ? 0 : fromStrides[i - offset];
  });
  const n = sizeOf(to);
  const map = new Int32Array(n);
  const counter = new Array<number>(rank).fill(0);
  let at = 0;
  for (let i = 0; i < n; i++) {
    map[i] = at;
    for (let d = rank - 1; d >= 0; d--) {
      counter[d]++;
      at += strides[d];
      if (counter[d] < to[d]) break;
      at -= strides[d] * counter[d];
      counter[d] = 0;
    }
  }
  return map;
}

/** A float64 tensor from a dtype, shape and data. */
export function referenceTensor(dtype: DType, shape: readonly number[], data: Float64Array): ReferenceTensor {
  return { dtype, shape: [...shape], data };
}
