// Float64 reference kernels of the layout ops: reshape, reshapeLike, sumToShapeOf, broadcastLike, pad,
// transpose, slice and concat (see ir.ts). Legend: O outer axes, A the op's axis, I inner axes (flattened).

import { EngineError } from '../errors.js';
import { formatShape, sizeOf } from './shapes.js';
import { broadcastIndexMap, referenceTensor, stridesOf, type ReferenceTensor } from './reference-tensor.js';

/** ONNX reshape: a 0 copies the input dim at that position, one -1 is inferred. */
export function reshapeKernel(x: ReferenceTensor, target: readonly number[]): ReferenceTensor {
  const shape = target.map((d, i) => (d === 0 ? x.shape[i] : d));
  const inferAt = shape.indexOf(-1);
  const known = sizeOf(shape.filter((_, i) => i !== inferAt));
  if (inferAt >= 0 && known > 0 && x.data.length % known === 0) shape[inferAt] = x.data.length / known;
  if (shape.some((d) => d === undefined || d < 0) || sizeOf(shape) !== x.data.length) {
    throw new EngineError(
      'shape_mismatch',
      `reshape: cannot reshape ${formatShape(x.shape)} to [${target.join(', ')}]`,
    );
  }
  return referenceTensor(x.dtype, shape, x.data);
}

/** x with the runtime shape of `like` (same element count). */
export function reshapeLikeKernel(x: ReferenceTensor, like: ReferenceTensor): ReferenceTensor {
  if (like.data.length !== x.data.length) {
    throw new EngineError(
      'shape_mismatch',
      `reshapeLike: cannot reshape ${formatShape(x.shape)} to ${formatShape(like.shape)}`,
    );
  }
  return referenceTensor(x.dtype, like.shape, x.data);
}

/** x summed over the axes along which `like` broadcasts to x's shape; the result has like's shape. */
export function sumToShapeOfKernel(x: ReferenceTensor, like: ReferenceTensor): ReferenceTensor {
  const into = broadcastIndexMap(like.shape, x.shape, 'sumToShapeOf'); // x index → like index
  const out = new Float64Array(like.data.length);
  for (let i = 0; i < into.length; i++) out[into[i]] += x.data[i];
  return referenceTensor(x.dtype, like.shape, out);
}

/** x broadcast (numpy rules) to the runtime shape of `like`. */
export function broadcastLikeKernel(x: ReferenceTensor, like: ReferenceTensor): ReferenceTensor {
  const from = broadcastIndexMap(x.shape, like.shape, 'broadcastLike');
  return referenceTensor(
    x.dtype,
    like.shape,
    Float64Array.from(from, (i) => x.data[i]),
  );
}

/** `before` and `after` zeros added along `axis`. */
export function padKernel(x: ReferenceTensor, axis: number, before: number, after: number): ReferenceTensor {
  const [outer, d, inner] = split(x.shape, axis, 'pad');
  const size = d + before + after;
  const out = new Float64Array(outer * size * inner); // (O, A + before + after, I)
  for (let o = 0; o < outer; o++) {
    out.set(x.data.subarray(o * d * inner, (o + 1) * d * inner), (o * size + before) * inner);
  }
  return referenceTensor(x.dtype, withDim(x.shape, axis, size), out);
}

/** Output axis i is input axis perm[i]. */
export function transposeKernel(x: ReferenceTensor, perm: readonly number[]): ReferenceTensor {
  const sorted = [...perm].sort((p, q) => p - q);
  if (perm.length !== x.shape.length || sorted.some((p, i) => p !== i)) {
    throw new EngineError(
      'invalid_graph',
      `transpose: perm [${perm.join(', ')}] is not a permutation of rank ${x.shape.length}`,
    );
  }
  const shape = perm.map((p) => x.shape[p]);
  const inStrides = stridesOf(x.shape);
  const strides = perm.map((p) => inStrides[p]); // input stride of each output axis
  const out = new Float64Array(x.data.length);
  const counter = new Array<number>(shape.length).fill(0);
  let at = 0;
  for (let i = 0; i < out.length; i++) {
    out[i] = x.data[at];
    for (let d = shape.length - 1; d >= 0; d--) {
      counter[d]++;
      at += strides[d];
      if (counter[d] < shape[d]) break;
      at -= strides[d] * counter[d];
      counter[d] = 0;
    }
  }
  return referenceTensor(x.dtype, shape, out);
}

/** Elements [start, end) along `axis`, negatives counted from the end, both clamped to [0, dim] (ONNX). */
export function sliceKernel(x: ReferenceTensor, axis: number, start: number, end: number): ReferenceTensor {
  const [outer, d, inner] = split(x.shape, axis, 'slice');
  const clamp = (v: number) => Math.min(Math.max(v < 0 ? v + d : v, 0), d);
  const from = clamp(start);
  const size = Math.max(0, clamp(end) - from);
  const out = new Float64Array(outer * size * inner); // (O, size, I)
  for (let o = 0; o < outer; o++) {
    out.set(x.data.subarray((o * d + from) * inner, (o * d + from + size) * inner), o * size * inner);
  }
  return referenceTensor(x.dtype, withDim(x.shape, axis, size), out);
}

/** The inputs joined along `axis`; all other axes must agree. */
export function concatKernel(xs: readonly ReferenceTensor[], axis: number): ReferenceTensor {
  if (xs.length === 0) throw new EngineError('invalid_graph', 'concat of no values');
  const first = xs[0];
  const [outer, , inner] = split(first.shape, axis, 'concat');
  for (const x of xs) {
    if (x.shape.length !== first.shape.length || x.shape.some((d, i) => i !== axis && d !== first.shape[i])) {
      throw new EngineError(
        'shape_mismatch',
        `concat: ${formatShape(x.shape)} does not match ${formatShape(first.shape)} off axis ${axis}`,
      );
    }
  }
  const total = xs.reduce((sum, x) => sum + x.shape[axis], 0);
  const out = new Float64Array(outer * total * inner); // (O, ΣA, I)
  let offset = 0;
  for (const x of xs) {
    const d = x.shape[axis];
    for (let o = 0; o < outer; o++) {
      out.set(x.data.subarray(o * d * inner, (o + 1) * d * inner), (o * total + offset) * inner);
    }
    offset += d;
  }
  return referenceTensor(first.dtype, withDim(first.shape, axis, total), out);
}

/** The sizes (O, A, I) of a shape around `axis`. */
function split(shape: readonly number[], axis: number, context: string): [number, number, number] {
  if (!Number.isInteger(axis) || axis < 0 || axis >= shape.length) {
    throw new EngineError('invalid_graph', `${context}: axis ${axis} out of range for ${formatShape(shape)}`);
  }
  return [sizeOf(shape.slice(0, axis)), shape[axis], sizeOf(shape.slice(axis + 1))];
}

function withDim(shape: readonly number[], axis: number, size: number): number[] {
  const out = [...shape];
  out[axis] = size;
  return out;
}
