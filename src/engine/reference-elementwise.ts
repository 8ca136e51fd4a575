// Float64 reference kernels of the elementwise ops: unary, binary, compare, where and cast (see ir.ts).

import { EngineError } from '../errors.js';
import type { BinaryOp, CompareOp, DType, UnaryOp } from './ir.js';
import {
  broadcastIndexMap,
  broadcastRuntime,
  referenceTensor,
  type ReferenceTensor,
} from './reference-tensor.js';

/** √(2/π), the constant of the tanh approximation of gelu. */
const GELU_SCALE = Math.sqrt(2 / Math.PI);

/** The cubic coefficient of the tanh approximation of gelu. */
const GELU_CUBIC = 0.044715;

const UNARY: Record<UnaryOp, (x: number) => number> = {
  neg: (x) => -x,
  exp: Math.exp,
  log: Math.log,
  sqrt: Math.sqrt,
  tanh: Math.tanh,
  sigmoid: (x) => 1 / (1 + Math.exp(-x)),
  gelu: (x) => 0.5 * x * (1 + Math.tanh(GELU_SCALE * (x + GELU_CUBIC * x * x * x))),
  silu: (x) => x / (1 + Math.exp(-x)),
  abs: Math.abs,
  reciprocal: (x) => 1 / x,
};

const BINARY: Record<BinaryOp, (a: number, b: number) => number> = {
  add: (a, b) => a + b,
  sub: (a, b) => a - b,
  mul: (a, b) => a * b,
  div: (a, b) => a / b,
  pow: Math.pow,
  maximum: Math.max,
  minimum: Math.min,
};

const COMPARE: Record<CompareOp, (a: number, b: number) => boolean> = {
  equal: (a, b) => a === b,
  less: (a, b) => a < b,
  greater: (a, b) => a > b,
};

/** A unary float op applied to every element. */
export function unaryKernel(op: UnaryOp, x: ReferenceTensor): ReferenceTensor {
  const f = UNARY[op];
  if (f === undefined) throw new EngineError('unknown_op', `unknown unary op "${op}"`);
  return referenceTensor('float32', x.shape, x.data.map(f));
}

/** A binary float op with numpy broadcasting. */
export function binaryKernel(op: BinaryOp, a: ReferenceTensor, b: ReferenceTensor): ReferenceTensor {
  const f = BINARY[op];
  if (f === undefined) throw new EngineError('unknown_op', `unknown binary op "${op}"`);
  return zipWith(a, b, op, 'float32', f);
}

/** A comparison with numpy broadcasting; the result is bool (0/1). */
export function compareKernel(op: CompareOp, a: ReferenceTensor, b: ReferenceTensor): ReferenceTensor {
  const f = COMPARE[op];
  if (f === undefined) throw new EngineError('unknown_op', `unknown compare op "${op}"`);
  return zipWith(a, b, op, 'bool', (x, y) => (f(x, y) ? 1 : 0));
}

/** cond ? a : b, broadcasting all three. */
export function whereKernel(cond: ReferenceTensor, a: ReferenceTensor, b: ReferenceTensor): ReferenceTensor {
  const shape = broadcastRuntime(broadcastRuntime(cond.shape, a.shape, 'where'), b.shape, 'where');
  const c = broadcastIndexMap(cond.shape, shape, 'where condition');
  const ia = broadcastIndexMap(a.shape, shape, 'where');
  const ib = broadcastIndexMap(b.shape, shape, 'where');
  const out = new Float64Array(c.length);
  for (let i = 0; i < out.length; i++) out[i] = cond.data[c[i]] !== 0 ? a.data[ia[i]] : b.data[ib[i]];
  return referenceTensor(a.dtype, shape, out);
}

/** Conversion to `to`: float → int truncates toward zero, nonzero → true. */
export function castKernel(x: ReferenceTensor, to: DType): ReferenceTensor {
  const f = to === 'int64' ? Math.trunc : to === 'bool' ? (v: number) => (v !== 0 ? 1 : 0) : (v: number) => v;
  return referenceTensor(to, x.shape, x.data.map(f));
}

function zipWith(
  a: ReferenceTensor,
  b: ReferenceTensor,
  context: string,
  dtype: DType,
  f: (x: number, y: number) => number,
): ReferenceTensor {
  const shape = broadcastRuntime(a.shape, b.shape, context);
  const ia = broadcastIndexMap(a.shape, shape, context);
  const ib = broadcastIndexMap(b.shape, shape, context);
  const out = new Float64Array(ia.length);
  for (let i = 0; i < out.length; i++) out[i] = f(a.data[ia[i]], b.data[ib[i]]);
  return referenceTensor(dtype, shape, out);
}
