// Vector-Jacobian products of the neural-network ops: reductions, softmax, norms, embeddings, logprobs.

import { EngineError } from '../errors.js';
import type { Graph } from './graph.js';
import type { Value } from './ir.js';
import type { GradientContext } from './gradient-rules.js';

/** Gradients for reductions, softmax, norms, gather/scatter and target logprobs. */
export function nnGradient(context: GradientContext): (Value | undefined)[] {
  const { graph: g, node, inputs, output: y, gradOutput: gy, needs } = context;
  const spec = node.spec;
  switch (spec.kind) {
    case 'reduce':
      return [reduceGradient(g, inputs[0], y, gy, spec.op, spec.axes, spec.keepDims)];
    case 'softmax': {
      // y = softmax(x): dx = y ⊙ (dy − Σ dy⊙y)
      const dot = g.sum(g.mul(gy, y), [-1], true);
      return [g.mul(y, g.sub(gy, dot))];
    }
    case 'logSoftmax': {
      // y = log softmax(x): dx = dy − softmax(x) Σ dy
      return [g.sub(gy, g.mul(g.exp(y), g.sum(gy, [-1], true)))];
    }
    case 'layerNorm':
      return layerNormGradient(g, inputs, gy, spec.epsilon, needs);
    case 'rmsNorm':
      return rmsNormGradient(g, inputs, gy, spec.epsilon, needs);
    case 'gather':
      // y = table[indices]: dtable = scatter-add of dy rows
      return [g.scatterAddRows(inputs[0], inputs[1], gy)];
    case 'scatterAddRows':
      // y = zeros + scatter(updates): dupdates = dy[indices]
      return [undefined, undefined, g.gather(gy, inputs[1])];
    case 'targetLogprobs': {
      // y = log softmax(z)[t]: dz = (onehot(t) − softmax(z)) ⊙ dy
      const [logits, targets] = inputs;
      const depth = logits.shape[logits.shape.length - 1];
      if (typeof depth !== 'number') {
        throw new EngineError(
          'not_differentiable',
          'targetLogprobs needs a static vocabulary axis for its gradient',
        );
      }
      const expanded = g.reshape(gy, [...gy.shape.map(() => 0), 1]); // (..., 1)
      return [g.mul(g.sub(g.oneHot(targets, depth), g.softmax(logits)), expanded)];
    }
    default:
      throw new EngineError('unknown_op', `no gradient rule for op "${spec.kind}"`);
  }
}

function reduceGradient(
  g: Graph,
  x: Value,
  y: Value,
  gy: Value,
  op: 'sum' | 'mean' | 'max',
  axes: readonly number[],
  keepDims: boolean,
): Value {
  // Bring dy back to rank(x) with ones on the reduced axes, then broadcast.
  const kept = keepDims ? gy : g.reshape(gy, keptShape(x, axes));
  if (op === 'sum') return g.broadcastLike(kept, x); // y = Σ x
  if (op === 'mean') {
    // y = Σ x / n
    const count = axes.reduce<number | undefined>((p, a) => {
      const d = x.shape[a];
      return p === undefined || typeof d !== 'number' ? undefined : p * d;
    }, 1);
    if (count === undefined) {
      throw new EngineError(
        'not_differentiable',
        'mean over a symbolic axis has no gradient rule; use sum and divide',
      );
    }
    return g.broadcastLike(g.mul(kept, g.scalar(1 / count)), x);
  }
  // y = max x: the gradient goes to every position equal to the max
  const yKept = keepDims ? y : g.reshape(y, keptShape(x, axes));
  return g.where(g.compare('equal', x, yKept), g.broadcastLike(kept, x), g.scalar(0));
}

/** Reshape target restoring reduced axes as 1: static dims as-is, a symbolic dim by 0 (same position) or -1. */
function keptShape(x: Value, axes: readonly number[]): number[] {
  let inferred = false;
  return x.shape.map((d, i) => {
    if (axes.includes(i)) return 1;
    if (typeof d === 'number') return d;
    if (!axes.some((a) => a < i)) return 0; // same position in the reduced tensor
    if (inferred)
      throw new EngineError(
        'not_differentiable',
        `reduce over axes [${axes.join(', ')}] of [${x.shape.join(', ')}] has too many symbolic dims for its gradient`,
      );
    inferred = true;
    return -1;
  });
}

function layerNormGradient(
  g: Graph,
  inputs: readonly Value[],
  gy: Value,
  epsilon: number,
  needs: readonly boolean[],
): (Value | undefined)[] {
  // y = x̂γ + β, x̂ = (x − μ)·r, r = 1/√(var + ε) over the last axis:
  // dx = r(dx̂ − mean(dx̂) − x̂·mean(dx̂⊙x̂)), dx̂ = dy⊙γ
  const [x, gamma, beta] = inputs;
  const centered = g.sub(x, g.mean(x, [-1], true));
  const r = g.unary(
    'reciprocal',
    g.unary('sqrt', g.add(g.mean(g.mul(centered, centered), [-1], true), g.scalar(epsilon))),
  );
  const xhat = g.mul(centered, r);
  const dxhat = g.mul(gy, gamma);
  const dx = needs[0]
    ? g.mul(
        r,
        g.sub(g.sub(dxhat, g.mean(dxhat, [-1], true)), g.mul(xhat, g.mean(g.mul(dxhat, xhat), [-1], true))),
      )
    : undefined;
  return [
    dx,
    needs[1] ? g.sumToShapeOf(g.mul(gy, xhat), gamma) : undefined,
    needs[2] ? g.sumToShapeOf(gy, beta) : undefined,
  ];
}

function rmsNormGradient(
  g: Graph,
  inputs: readonly Value[],
  gy: Value,
  epsilon: number,
  needs: readonly boolean[],
): (Value | undefined)[] {
  // y = x̂γ, x̂ = x·r, r = 1/√(mean(x²) + ε): dx = r(dx̂ − x̂·mean(dx̂⊙x̂)), dx̂ = dy⊙γ
  const [x, gamma] = inputs;
  const r = g.unary('reciprocal', g.unary('sqrt', g.add(g.mean(g.mul(x, x), [-1], true), g.scalar(epsilon))));
  const xhat = g.mul(x, r);
  const dxhat = g.mul(gy, gamma);
  const dx = needs[0]
    ? g.mul(r, g.sub(dxhat, g.mul(xhat, g.mean(g.mul(dxhat, xhat), [-1], true))))
    : undefined;
  return [dx, needs[1] ? g.sumToShapeOf(g.mul(gy, xhat), gamma) : undefined];
}
