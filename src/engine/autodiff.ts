// Reverse-mode automatic differentiation over the IR: appends gradient nodes to the same graph.

import { EngineError } from '../errors.js';
import type { Graph } from './graph.js';
import type { Value } from './ir.js';

/**
 * Appends to `graph` the gradient of scalar `loss` with respect to each of `wrt`, returned in order.
 * A value `loss` does not depend on gets a zero gradient of its own shape.
 */
export function gradients(graph: Graph, loss: Value, wrt: readonly Value[]): Value[] {
  void graph;
  void loss;
  void wrt;
  throw new EngineError('not_differentiable', 'autodiff is being written');
}
