// Float64 reference kernels of the indexing ops: gather, scatterAddRows, oneHot, targetLogprobs, causalMask
// (see ir.ts). Legend: N rows of the table, E row size (trailing axes flattened), V vocab, T queries, S keys.

import { EngineError } from '../errors.js';
import { MASK_VALUE } from './ir.js';
import { formatShape, sizeOf } from './shapes.js';
import { broadcastIndexMap, referenceTensor, type ReferenceTensor } from './reference-tensor.js';

/** Rows of `table` (axis 0) at `indices` → shape indices.shape ++ table.shape[1:]. */
export function gatherKernel(table: ReferenceTensor, indices: ReferenceTensor): ReferenceTensor {
  if (table.shape.length === 0) throw new EngineError('shape_mismatch', 'gather: the table is a scalar');
  const n = table.shape[0];
  const e = sizeOf(table.shape.slice(1));
  const out = new Float64Array(indices.data.length * e); // (...indices, E)
  indices.data.forEach((index, i) => {
    const row = checkIndex(index, n, 'gather');
    out.set(table.data.subarray(row * e, (row + 1) * e), i * e);
  });
  return referenceTensor(table.dtype, [...indices.shape, ...table.shape.slice(1)], out);
}

/** Zeros like `like`, then row[indices[i]] += updates[i]; updates broadcast to indices.shape ++ like.shape[1:]. */
export function scatterAddRowsKernel(
  like: ReferenceTensor,
  indices: ReferenceTensor,
  updates: ReferenceTensor,
): ReferenceTensor {
  if (like.shape.length === 0) throw new EngineError('shape_mismatch', 'scatterAddRows: `like` is a scalar');
  const n = like.shape[0];
  const e = sizeOf(like.shape.slice(1));
  const expected = [...indices.shape, ...like.shape.slice(1)];
  if (updates.shape.length !== expected.length) {
    throw new EngineError(
      'shape_mismatch',
      `scatterAddRows: updates ${formatShape(updates.shape)} should be ${formatShape(expected)}`,
    );
  }
  const from = broadcastIndexMap(updates.shape, expected, 'scatterAddRows updates'); // (...indices, E)
  const out = new Float64Array(like.data.length); // (N, E)
  indices.data.forEach((index, i) => {
    const row = checkIndex(index, n, 'scatterAddRows');
    for (let j = 0; j < e; j++) out[row * e + j] += updates.data[from[i * e + j]];
  });
  return referenceTensor('float32', like.shape, out);
}

/** float32 with a new last axis of size `depth`: 1 where the position equals the index. */
export function oneHotKernel(indices: ReferenceTensor, depth: number): ReferenceTensor {
  const out = new Float64Array(indices.data.length * depth); // (...indices, depth)
  indices.data.forEach((index, i) => {
    out[i * depth + checkIndex(index, depth, 'oneHot')] = 1;
  });
  return referenceTensor('float32', [...indices.shape, depth], out);
}

/** log_softmax(logits)[..., targets]: logits (..., V) broadcast over targets (...) in [0, V). */
export function targetLogprobsKernel(logits: ReferenceTensor, targets: ReferenceTensor): ReferenceTensor {
  if (logits.shape.length !== targets.shape.length + 1) {
    throw new EngineError(
      'shape_mismatch',
      `targetLogprobs: logits ${formatShape(logits.shape)} and targets ${formatShape(targets.shape)}`,
    );
  }
  const v = logits.shape[logits.shape.length - 1];
  const rowOf = broadcastIndexMap(logits.shape.slice(0, -1), targets.shape, 'targetLogprobs'); // target → logits row
  const out = new Float64Array(targets.data.length); // (...)
  targets.data.forEach((target, i) => {
    const id = checkIndex(target, v, 'targetLogprobs');
    const start = rowOf[i] * v;
    let max = -Infinity;
    for (let j = 0; j < v; j++) max = Math.max(max, logits.data[start + j]);
    let total = 0;
    for (let j = 0; j < v; j++) total += Math.exp(logits.data[start + j] - max);
    out[i] = logits.data[start + id] - max - Math.log(total);
  });
  return referenceTensor('float32', targets.shape, out);
}

/** (T, S) additive bias: 0 where key j <= query i + (S - T), else MASK_VALUE. */
export function causalMaskKernel(scores: ReferenceTensor): ReferenceTensor {
  if (scores.shape.length < 2)
    throw new EngineError('shape_mismatch', 'causalMask needs scores of rank >= 2');
  const [t, s] = scores.shape.slice(-2);
  const out = new Float64Array(t * s); // (T, S)
  for (let i = 0; i < t; i++) {
    for (let j = 0; j < s; j++) out[i * s + j] = j <= i + (s - t) ? 0 : MASK_VALUE;
  }
  return referenceTensor('float32', [t, s], out);
}

/** An index as a row number, or an EngineError 'invalid_feed' naming the index and the range. */
function checkIndex(index: number, size: number, context: string): number {
  if (!Number.isInteger(index) || index < 0 || index >= size) {
    throw new EngineError('invalid_feed', `${context}: index ${index} is out of range [0, ${size})`);
  }
  return index;
}
