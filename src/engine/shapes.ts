// Shape rules shared by the builder, autodiff and the executors: broadcasting, reshape, symbolic dims.

import { EngineError } from '../errors.js';
import type { Dim, Shape } from './ir.js';

/** Numpy broadcasting of two shapes; symbolic dims match themselves, 1 or an equal fixed size is assumed. */
export function broadcastShapes(a: Shape, b: Shape, context: string): Dim[] {
  const rank = Math.max(a.length, b.length);
  const out: Dim[] = [];
  for (let i = 0; i < rank; i++) {
    const x = i < rank - a.length ? 1 : a[i - (rank - a.length)];
    const y = i < rank - b.length ? 1 : b[i - (rank - b.length)];
    if (x === y || y === 1) out.push(x);
    else if (x === 1) out.push(y);
    else if (typeof x === 'number' && typeof y === 'number') {
      throw new EngineError(
        'shape_mismatch',
        `${context}: cannot broadcast [${a.join(', ')}] with [${b.join(', ')}]`,
      );
    } else out.push(typeof x === 'number' ? x : y);
  }
  return out;
}

/** Output shape of an ONNX-style reshape (0 copies, -1 infers), or throws on a size mismatch. */
export function reshapeShape(input: Shape, target: readonly number[], context: string): Dim[] {
  if (target.some((d, i) => d === 0 && i >= input.length)) {
    throw new EngineError(
      'invalid_graph',
      `${context}: a 0 in [${target.join(', ')}] copies a dim beyond the input rank ${input.length}`,
    );
  }
  const out: Dim[] = target.map((d, i) => (d === 0 ? input[i] : d));
  const inferAt = out.indexOf(-1);
  if (out.filter((d) => d === -1).length > 1) {
    throw new EngineError(
      'invalid_graph',
      `${context}: more than one -1 in reshape target [${target.join(', ')}]`,
    );
  }
  const staticIn = input.every((d) => typeof d === 'number');
  if (inferAt >= 0) {
    const known = out.filter((_, i) => i !== inferAt);
    if (staticIn && known.every((d) => typeof d === 'number')) {
      const total = (input as number[]).reduce((p, d) => p * d, 1);
      const rest = (known as number[]).reduce((p, d) => p * d, 1);
      if (rest === 0 || total % rest !== 0) {
        throw new EngineError(
          'shape_mismatch',
          `${context}: cannot reshape [${input.join(', ')}] to [${target.join(', ')}]`,
        );
      }
      out[inferAt] = total / rest;
    } else {
      out[inferAt] = symbolicProduct(input, known);
    }
  } else if (staticIn && out.every((d) => typeof d === 'number')) {
    const a = (input as number[]).reduce((p, d) => p * d, 1);
    const b = (out as number[]).reduce((p, d) => p * d, 1);
    if (a !== b) {
      throw new EngineError(
        'shape_mismatch',
        `${context}: cannot reshape [${input.join(', ')}] (${a} elements) to [${target.join(', ')}] (${b})`,
      );
    }
  }
  return out;
}

/** The symbolic quotient prod(input) / prod(known) as a readable symbol like `B*T`, or '?' when unknown. */
function symbolicProduct(input: Shape, known: readonly Dim[]): Dim {
  const product = (dims: readonly Dim[]) =>
    dims.filter((d): d is number => typeof d === 'number').reduce((p, d) => p * d, 1);
  const numerator = product(input);
  const denominator = product(known);
  if (denominator === 0 || numerator % denominator !== 0) return '?';
  const symbols = input.filter((d): d is string => typeof d === 'string');
  for (const d of known) {
    if (typeof d !== 'string') continue;
    const at = symbols.indexOf(d);
    if (at < 0) return '?';
    symbols.splice(at, 1);
  }
  const count = numerator / denominator;
  if (symbols.length === 0) return count;
  return [...(count === 1 ? [] : [String(count)]), ...symbols].join('*');
}

/** Resolves a possibly negative axis against a rank, or throws naming the op. */
export function normalizeAxis(axis: number, rank: number, context: string): number {
  const a = axis < 0 ? axis + rank : axis;
  if (a < 0 || a >= rank)
    throw new EngineError('invalid_graph', `${context}: axis ${axis} out of range for rank ${rank}`);
  return a;
}

/** Number of elements of a concrete shape. */
export function sizeOf(shape: readonly number[]): number {
  return shape.reduce((p, d) => p * d, 1);
}

/** Formats a shape for messages: `[B, T, 256]`. */
export function formatShape(shape: Shape): string {
  return `[${shape.join(', ')}]`;
}

/** The shape of a batched matrix product over the last two axes (batch axes broadcast). */
export function matmulShape(a: Shape, b: Shape, transA: boolean, transB: boolean): Dim[] {
  if (a.length < 2 || b.length < 2) {
    throw new EngineError(
      'shape_mismatch',
      `matmul needs rank >= 2 operands, got ${formatShape(a)} and ${formatShape(b)}`,
    );
  }
  const [m, ka] = lastTwo(a, transA);
  const [kb, n] = lastTwo(b, transB);
  if (ka !== kb && typeof ka === 'number' && typeof kb === 'number') {
    throw new EngineError(
      'shape_mismatch',
      `matmul: inner dims differ, ${formatShape(a)}${transA ? 'ᵀ' : ''} @ ${formatShape(b)}${transB ? 'ᵀ' : ''}`,
    );
  }
  return [...broadcastShapes(a.slice(0, -2), b.slice(0, -2), 'matmul batch'), m, n];
}

function lastTwo(shape: Shape, transposed: boolean): [Dim, Dim] {
  const r = shape[shape.length - 2];
  const c = shape[shape.length - 1];
  return transposed ? [c, r] : [r, c];
}
