// Host tensors: the values fed to and returned from graph runs, row-major.

import { EngineError } from '../errors.js';
import type { DType } from './ir.js';
import { sizeOf } from './shapes.js';

/** A concrete tensor on the host. int64 data is a BigInt64Array, bool data a Uint8Array of 0/1. */
export type Tensor =
  | { readonly dtype: 'float32'; readonly shape: readonly number[]; readonly data: Float32Array }
  | { readonly dtype: 'int64'; readonly shape: readonly number[]; readonly data: BigInt64Array }
  | { readonly dtype: 'bool'; readonly shape: readonly number[]; readonly data: Uint8Array };

/** A float32 tensor, checking the data length against the shape. */
export function floatTensor(data: Float32Array | readonly number[], shape: readonly number[]): Tensor {
  const array = data instanceof Float32Array ? data : Float32Array.from(data);
  checkLength(array.length, shape);
  return { dtype: 'float32', shape: [...shape], data: array };
}

/** An int64 tensor from numbers or bigints, checking the data length against the shape. */
export function int64Tensor(data: BigInt64Array | readonly number[], shape: readonly number[]): Tensor {
  const array = data instanceof BigInt64Array ? data : BigInt64Array.from(data, (v) => BigInt(v));
  checkLength(array.length, shape);
  return { dtype: 'int64', shape: [...shape], data: array };
}

/** A bool tensor from 0/1 values. */
export function boolTensor(data: Uint8Array | readonly number[], shape: readonly number[]): Tensor {
  const array = data instanceof Uint8Array ? data : Uint8Array.from(data, (v) => (v ? 1 : 0));
  checkLength(array.length, shape);
  return { dtype: 'bool', shape: [...shape], data: array };
}

/** A zero-filled tensor of a dtype and shape. */
export function zerosTensor(dtype: DType, shape: readonly number[]): Tensor {
  const n = sizeOf(shape);
  if (dtype === 'float32') return floatTensor(new Float32Array(n), shape);
  if (dtype === 'int64') return int64Tensor(new BigInt64Array(n), shape);
  return boolTensor(new Uint8Array(n), shape);
}

/** The tensor's values as plain numbers (int64 converted; exact below 2^53). */
export function toNumbers(tensor: Tensor): number[] {
  return Array.from(tensor.data as ArrayLike<number | bigint>, (v) => Number(v));
}

function checkLength(length: number, shape: readonly number[]): void {
  if (shape.some((d) => !Number.isInteger(d) || d < 0)) {
    throw new EngineError('invalid_feed', `invalid tensor shape [${shape.join(', ')}]`);
  }
  if (length !== sizeOf(shape)) {
    throw new EngineError(
      'invalid_feed',
      `tensor data has ${length} values but shape [${shape.join(', ')}] needs ${sizeOf(shape)}`,
    );
  }
}
