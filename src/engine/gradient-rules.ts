// Vector-Jacobian products for every op: given dL/dy, the gradients dL/dx of each input.
// Each rule names the forward expression it differentiates.

import { EngineError } from '../errors.js';
import type { Graph } from './graph.js';
import type { Node, Shape, Value } from './ir.js';
import { nnGradient } from './gradient-rules-nn.js';

/** What a gradient rule receives: the node, its inputs and output as values, and dL/dy. */
export type GradientContext = {
  readonly graph: Graph;
  readonly node: Node;
  readonly inputs: readonly Value[];
  readonly output: Value;
  readonly gradOutput: Value;
  /** Which inputs need a gradient; rules may skip the others. */
  readonly needs: readonly boolean[];
};

/** Gradients for each input of the node, `undefined` where there is none. */
export function gradientRule(context: GradientContext): (Value | undefined)[] {
  const { graph: g, node, inputs, output: y, gradOutput: gy } = context;
  const spec = node.spec;
  switch (spec.kind) {
    case 'input':
    case 'constant':
    case 'compare':
    case 'cast':
    case 'oneHot':
    case 'causalMask':
    case 'stopGradient':
    case 'dropoutMask': // a function of like's shape and the seed only
      return [];
    case 'unary':
      return [unaryGradient(g, spec.op, inputs[0], y, gy)];
    case 'binary':
      return binaryGradient(context, spec.op);
    case 'matmul':
      return matmulGradient(context, spec.transA, spec.transB);
    case 'where': {
      // y = where(c, a, b)
      const zero = g.scalar(0);
      const [c, a, b] = inputs;
      return [undefined, reduceTo(g, g.where(c, gy, zero), a), reduceTo(g, g.where(c, zero, gy), b)];
    }
    case 'reshape':
    case 'reshapeLike':
      // y = reshape(x)
      return [g.reshapeLike(gy, inputs[0])];
    case 'sumToShapeOf':
      // y = sum of x over broadcast axes
      return [g.broadcastLike(gy, inputs[0])];
    case 'broadcastLike':
      // y = broadcast(x)
      return [g.sumToShapeOf(gy, inputs[0])];
    case 'transpose': {
      // y = transpose(x, perm): x axis perm[i] is y axis i
      const inverse = new Array<number>(spec.perm.length);
      spec.perm.forEach((p, i) => (inverse[p] = i));
      return [g.transpose(gy, inverse)];
    }
    case 'pad':
      // y = pad(x): x is the middle of y
      return [g.slice(gy, spec.axis, spec.before, spec.after > 0 ? -spec.after : Number.MAX_SAFE_INTEGER)];
    case 'slice':
      return [sliceGradient(g, inputs[0], gy, spec.axis, spec.start, spec.end)];
    case 'concat':
      return concatGradient(g, inputs, gy, spec.axis);
    default:
      return nnGradient(context);
  }
}

function unaryGradient(g: Graph, op: string, x: Value, y: Value, gy: Value): Value {
  switch (op) {
    case 'neg':
      return g.neg(gy); // y = -x
    case 'exp':
      return g.mul(gy, y); // y = e^x
    case 'log':
      return g.div(gy, x); // y = ln x
    case 'sqrt':
      return g.div(g.mul(gy, g.scalar(0.5)), y); // y = √x
    case 'tanh':
      return g.mul(gy, g.sub(g.scalar(1), g.mul(y, y))); // y = tanh x
    case 'sigmoid':
      return g.mul(gy, g.mul(y, g.sub(g.scalar(1), y))); // y = σ(x)
    case 'reciprocal':
      return g.neg(g.mul(gy, g.mul(y, y))); // y = 1/x
    case 'abs':
      return g.where(g.compare('less', x, g.scalar(0)), g.neg(gy), gy); // y = |x|
    case 'silu': {
      // y = x σ(x): dy/dx = σ(x)(1 + x(1 − σ(x)))
      const s = g.unary('sigmoid', x);
      return g.mul(gy, g.mul(s, g.add(g.scalar(1), g.mul(x, g.sub(g.scalar(1), s)))));
    }
    case 'gelu': {
      // y = 0.5x(1 + tanh(u)), u = k(x + a x³). With 0.5(1 + tanh u) = σ(2u) = s, y = x·s and
      // dy/dx = s + x·s(1 − s)·(2k + 6ka x²): the sigmoid form needs fewer full-size ops.
      const k = Math.sqrt(2 / Math.PI);
      const a = 0.044715;
      const x2 = g.mul(x, x);
      const s = g.unary('sigmoid', g.mul(x, g.add(g.mul(x2, g.scalar(2 * k * a)), g.scalar(2 * k))));
      const xs = g.mul(x, s);
      const slope = g.add(g.mul(x2, g.scalar(6 * k * a)), g.scalar(2 * k));
      return g.mul(gy, g.add(s, g.mul(g.sub(xs, g.mul(xs, s)), slope)));
    }
    default:
      throw new EngineError('unknown_op', `no gradient rule for unary op "${op}"`);
  }
}

function binaryGradient(context: GradientContext, op: string): (Value | undefined)[] {
  const { graph: g, inputs, output: y, gradOutput: gy, needs } = context;
  const [a, b] = inputs;
  let ga: Value | undefined;
  let gb: Value | undefined;
  switch (op) {
    case 'add': // y = a + b
      [ga, gb] = [gy, gy];
      break;
    case 'sub': // y = a − b
      [ga, gb] = [gy, needs[1] ? g.neg(gy) : undefined];
      break;
    case 'mul': // y = a·b
      [ga, gb] = [needs[0] ? g.mul(gy, b) : undefined, needs[1] ? g.mul(gy, a) : undefined];
      break;
    case 'div': // y = a / b: dy/db = −y / b
      [ga, gb] = [needs[0] ? g.div(gy, b) : undefined, needs[1] ? g.neg(g.div(g.mul(gy, y), b)) : undefined];
      break;
    case 'pow': // y = a^b: dy/da = b·a^(b−1), dy/db = y·ln a
      ga = needs[0] ? g.mul(gy, g.mul(b, g.binary('pow', a, g.sub(b, g.scalar(1))))) : undefined;
      gb = needs[1] ? g.mul(gy, g.mul(y, g.log(a))) : undefined;
      break;
    case 'maximum': {
      // y = max(a, b); ties go to a
      const bWins = g.compare('greater', b, a);
      [ga, gb] = [g.where(bWins, g.scalar(0), gy), g.where(bWins, gy, g.scalar(0))];
      break;
    }
    case 'minimum': {
      // y = min(a, b); ties go to a
      const bWins = g.compare('less', b, a);
      [ga, gb] = [g.where(bWins, g.scalar(0), gy), g.where(bWins, gy, g.scalar(0))];
      break;
    }
    default:
      throw new EngineError('unknown_op', `no gradient rule for binary op "${op}"`);
  }
  return [ga && needs[0] ? reduceTo(g, ga, a) : undefined, gb && needs[1] ? reduceTo(g, gb, b) : undefined];
}

function matmulGradient(context: GradientContext, transA: boolean, transB: boolean): (Value | undefined)[] {
  const { graph: g, inputs, gradOutput: gy, needs } = context;
  const [a, b] = inputs;
  // y = op(A) @ op(B) over the last two axes.
  let ga: Value | undefined;
  let gb: Value | undefined;
  if (needs[0]) {
    if (!transA)
      ga = g.matmul(gy, b, { transB: !transB }); // dA = gy @ op(B)ᵀ
    else ga = g.matmul(b, gy, { transA: transB, transB: true }); // dA = (gy @ op(B)ᵀ)ᵀ = op(B) @ gyᵀ
    ga = reduceTo(g, ga, a);
  }
  if (needs[1]) {
    if (b.shape.length === 2 && a.shape.length > 2 && !transA) {
      // A weight shared over a batch: flatten the batch into rows for one large product.
      const rows = g.reshape(a, [-1, a.shape[a.shape.length - 1] as number]);
      const grows = g.reshape(gy, [-1, gy.shape[gy.shape.length - 1] as number]);
      gb = weightGradient(g, rows, grows, transA, transB);
    } else {
      gb = reduceTo(g, weightGradient(g, a, gy, transA, transB), b);
    }
  }
  return [ga, gb];
}

/** dB for y = op(A) @ op(B): op(A)ᵀ @ gy, transposed when B was. */
function weightGradient(g: Graph, a: Value, gy: Value, transA: boolean, transB: boolean): Value {
  if (!transB) return g.matmul(a, gy, { transA: !transA }); // dB = op(A)ᵀ @ gy
  return g.matmul(gy, a, { transA: true, transB: transA }); // dB = (op(A)ᵀ @ gy)ᵀ = gyᵀ @ op(A)
}

/** Sums a gradient back over broadcast axes when its shape differs from the operand's. */
export function reduceTo(g: Graph, grad: Value, like: Value): Value {
  return sameShape(grad.shape, like.shape) ? grad : g.sumToShapeOf(grad, like);
}

function sameShape(a: Shape, b: Shape): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

function sliceGradient(g: Graph, x: Value, gy: Value, axis: number, start: number, end: number): Value {
  // y = x[start:end] along axis: dx is dy padded with zeros.
  const d = x.shape[axis];
  if (typeof d === 'number') {
    const clamp = (v: number) => Math.min(Math.max(v < 0 ? v + d : v, 0), d);
    const s = clamp(start);
    const e = Math.max(s, clamp(end));
    return g.pad(gy, axis, s, d - e);
  }
  if (start >= 0 && end >= 1e9) return g.pad(gy, axis, start, 0);
  throw new EngineError(
    'not_differentiable',
    `slice [${start}, ${end}) of symbolic axis ${d} has no gradient rule`,
  );
}

function concatGradient(g: Graph, inputs: readonly Value[], gy: Value, axis: number): Value[] {
  // y = concat(x₀, x₁, …): each dxᵢ is its slice of dy.
  let offset = 0;
  return inputs.map((x, i) => {
    const d = x.shape[axis];
    const last = i === inputs.length - 1;
    if (typeof d !== 'number' && !last) {
      throw new EngineError('not_differentiable', `concat of symbolic axis ${d} has no gradient rule`);
    }
    const piece = g.slice(gy, axis, offset, last ? Number.MAX_SAFE_INTEGER : offset + (d as number));
    offset += typeof d === 'number' ? d : 0;
    return piece;
  });
}
