// Reverse-mode automatic differentiation over the IR: appends gradient nodes to the same graph,
// so the forward pass and every gradient compile into one ONNX model and run in one session call.

import { EngineError } from '../errors.js';
import { gradientRule } from './gradient-rules.js';
import type { Graph } from './graph.js';
import type { Value } from './ir.js';

/**
 * Appends to `graph` the gradient of scalar `loss` with respect to each of `wrt`, returned in order.
 * A value `loss` does not depend on gets a zero gradient of its own shape.
 */
export function gradients(graph: Graph, loss: Value, wrt: readonly Value[]): Value[] {
  if (loss.shape.length !== 0 || loss.dtype !== 'float32') {
    throw new EngineError(
      'not_differentiable',
      `loss must be a float32 scalar, got ${loss.dtype} [${loss.shape.join(', ')}]`,
    );
  }
  for (const v of wrt) {
    if (v.dtype !== 'float32') {
      throw new EngineError(
        'not_differentiable',
        `cannot differentiate with respect to a ${v.dtype} value (node ${v.id})`,
      );
    }
  }
  const relevant = relevantNodes(graph, loss, wrt);
  const grads = new Map<number, Value>();
  grads.set(loss.id, graph.scalar(1));

  for (let id = loss.id; id >= 0; id--) {
    const gy = grads.get(id);
    if (gy === undefined || !relevant.has(id)) continue;
    const node = graph.node(id);
    const inputs = node.inputs.map((i) => graph.node(i));
    const needs = node.inputs.map((i) => relevant.has(i));
    if (!needs.some(Boolean)) continue;
    const out: Value = { id: node.id, dtype: node.dtype, shape: node.shape };
    const inputGrads = gradientRule({ graph, node, inputs, output: out, gradOutput: gy, needs });
    inputGrads.forEach((g, k) => {
      if (g === undefined || !needs[k]) return;
      const target = inputs[k].id;
      const previous = grads.get(target);
      grads.set(target, previous === undefined ? g : graph.add(previous, g));
    });
  }

  return wrt.map((v) => grads.get(v.id) ?? graph.broadcastLike(graph.scalar(0), v));
}

/** Nodes on a path from any `wrt` value to `loss`; only these need gradients. */
function relevantNodes(graph: Graph, loss: Value, wrt: readonly Value[]): Set<number> {
  const dependsOnWrt = new Set(wrt.map((v) => v.id));
  for (const node of graph.nodes) {
    if (node.id > loss.id) break;
    if (node.spec.kind === 'stopGradient' || node.dtype !== 'float32') continue;
    if (node.inputs.some((i) => dependsOnWrt.has(i))) dependsOnWrt.add(node.id);
  }
  const relevant = new Set<number>();
  const reachesLoss = new Set([loss.id]);
  for (let id = loss.id; id >= 0; id--) {
    if (!reachesLoss.has(id)) continue;
    if (dependsOnWrt.has(id)) relevant.add(id);
    for (const i of graph.node(id).inputs) reachesLoss.add(i);
  }
  return relevant;
}
