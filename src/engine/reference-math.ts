// Float64 reference kernels of the contracting ops: matmul, reductions, softmax, layerNorm, rmsNorm (see ir.ts).
// Legend: M rows, K inner, N columns, C last axis (features), R rows (all leading axes flattened).

import { EngineError } from '../errors.js';
import { formatShape, sizeOf } from './shapes.js';
import {
  broadcastIndexMap,
  broadcastRuntime,
  referenceTensor,
  type ReferenceTensor,
} from './reference-tensor.js';

/** Batched matrix product over the last two axes, leading axes broadcast; transA/transB swap an operand's last two axes. */
export function matmulKernel(
  a: ReferenceTensor,
  b: ReferenceTensor,
  transA: boolean,
  transB: boolean,
): ReferenceTensor {
  if (a.shape.length < 2 || b.shape.length < 2) {
    throw new EngineError(
      'shape_mismatch',
      `matmul needs rank >= 2 operands, got ${formatShape(a.shape)} and ${formatShape(b.shape)}`,
    );
  }
  const [ar, ac] = a.shape.slice(-2);
  const [br, bc] = b.shape.slice(-2);
  const [m, k] = transA ? [ac, ar] : [ar, ac];
  const [kb, n] = transB ? [bc, br] : [br, bc];
  if (k !== kb)
    throw new EngineError(
      'shape_mismatch',
      `matmul: inner dims differ, ${formatShape(a.shape)} @ ${formatShape(b.shape)}`,
    );
  const aBatch = a.shape.slice(0, -2);
  const bBatch = b.shape.slice(0, -2);
  const batch = broadcastRuntime(aBatch, bBatch, 'matmul batch');
  const aOf = broadcastIndexMap(aBatch, batch, 'matmul batch');
  const bOf = broadcastIndexMap(bBatch, batch, 'matmul batch');
  // a element (i, p) sits at i*ac + p, or p*ac + i when transposed; likewise b (p, j).
  const [aRow, aCol] = transA ? [1, ac] : [ac, 1];
  const [bRow, bCol] = transB ? [1, bc] : [bc, 1];
  const out = new Float64Array(aOf.length * m * n); // (...batch, M, N)
  for (let t = 0; t < aOf.length; t++) {
    const aBase = aOf[t] * ar * ac;
    const bBase = bOf[t] * br * bc;
    const oBase = t * m * n;
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let acc = 0;
        for (let p = 0; p < k; p++)
          acc += a.data[aBase + i * aRow + p * aCol] * b.data[bBase + p * bRow + j * bCol];
        out[oBase + i * n + j] = acc;
      }
    }
  }
  return referenceTensor('float32', [...batch, m, n], out);
}

/** Sum, mean or max over non-negative `axes`, keeping them as size 1 when `keepDims`. */
export function reduceKernel(
  x: ReferenceTensor,
  op: 'sum' | 'mean' | 'max',
  axes: readonly number[],
  keepDims: boolean,
): ReferenceTensor {
  for (const axis of axes) {
    if (!Number.isInteger(axis) || axis < 0 || axis >= x.shape.length) {
      throw new EngineError(
        'invalid_graph',
        `reduce ${op}: axis ${axis} out of range for ${formatShape(x.shape)}`,
      );
    }
  }
  const kept = x.shape.map((d, i) => (axes.includes(i) ? 1 : d));
  const into = broadcastIndexMap(kept, x.shape, `reduce ${op}`); // x index → kept index
  const out = new Float64Array(sizeOf(kept)).fill(op === 'max' ? -Infinity : 0);
  for (let i = 0; i < into.length; i++) {
    out[into[i]] = op === 'max' ? Math.max(out[into[i]], x.data[i]) : out[into[i]] + x.data[i];
  }
  if (op === 'mean') {
    const count = sizeOf(x.shape) / Math.max(1, sizeOf(kept));
    for (let i = 0; i < out.length; i++) out[i] /= count;
  }
  const shape = keepDims ? kept : x.shape.filter((_, i) => !axes.includes(i));
  return referenceTensor('float32', shape, out);
}

/** Softmax (or log-softmax) over the last axis, shifted by the row max for stability. */
export function softmaxKernel(x: ReferenceTensor, log: boolean): ReferenceTensor {
  const out = new Float64Array(x.data.length);
  forEachRow(x, (start, c) => {
    let max = -Infinity;
    for (let i = 0; i < c; i++) max = Math.max(max, x.data[start + i]);
    let total = 0;
    for (let i = 0; i < c; i++) total += Math.exp(x.data[start + i] - max);
    const logTotal = Math.log(total);
    for (let i = 0; i < c; i++) {
      const shifted = x.data[start + i] - max;
      out[start + i] = log ? shifted - logTotal : Math.exp(shifted) / total;
    }
  });
  return referenceTensor('float32', x.shape, out);
}

/** (x - mean) / sqrt(var + eps) * gamma + beta over the last axis, population variance. */
export function layerNormKernel(
  x: ReferenceTensor,
  gamma: ReferenceTensor,
  beta: ReferenceTensor,
  epsilon: number,
): ReferenceTensor {
  expectFeatureVector(x, gamma, 'layerNorm gamma');
  expectFeatureVector(x, beta, 'layerNorm beta');
  const out = new Float64Array(x.data.length);
  forEachRow(x, (start, c) => {
    let mean = 0;
    for (let i = 0; i < c; i++) mean += x.data[start + i];
    mean /= c;
    let variance = 0;
    for (let i = 0; i < c; i++) variance += (x.data[start + i] - mean) ** 2;
    variance /= c;
    const scale = 1 / Math.sqrt(variance + epsilon);
    for (let i = 0; i < c; i++)
      out[start + i] = (x.data[start + i] - mean) * scale * gamma.data[i] + beta.data[i];
  });
  return referenceTensor('float32', x.shape, out);
}

/** x / sqrt(mean(x²) + eps) * gamma over the last axis. */
export function rmsNormKernel(x: ReferenceTensor, gamma: ReferenceTensor, epsilon: number): ReferenceTensor {
  expectFeatureVector(x, gamma, 'rmsNorm gamma');
  const out = new Float64Array(x.data.length);
  forEachRow(x, (start, c) => {
    let meanSquare = 0;
    for (let i = 0; i < c; i++) meanSquare += x.data[start + i] ** 2;
    meanSquare /= c;
    const scale = 1 / Math.sqrt(meanSquare + epsilon);
    for (let i = 0; i < c; i++) out[start + i] = x.data[start + i] * scale * gamma.data[i];
  });
  return referenceTensor('float32', x.shape, out);
}

/** Calls `f` with the start offset of each of the R rows of length C (the last axis). */
function forEachRow(x: ReferenceTensor, f: (start: number, c: number) => void): void {
  if (x.shape.length === 0) throw new EngineError('shape_mismatch', 'an op over the last axis got a scalar');
  const c = x.shape[x.shape.length - 1];
  if (c === 0) return;
  for (let start = 0; start < x.data.length; start += c) f(start, c);
}

function expectFeatureVector(x: ReferenceTensor, p: ReferenceTensor, context: string): void {
  const c = x.shape[x.shape.length - 1];
  if (p.shape.length !== 1 || p.shape[0] !== c) {
    throw new EngineError('shape_mismatch', `${context}: expected [${c}], got ${formatShape(p.shape)}`);
  }
}
