// Finite-difference gradients of a graph's scalar output, computed with the float64 reference executor:
// the ground truth every autodiff rule is checked against.

import { EngineError } from '../errors.js';
import type { Graph } from './graph.js';
import { runReference } from './reference-executor.js';
import { toReferenceTensor, type Feed } from './reference-tensor.js';
import { formatShape } from './shapes.js';

/** The default central-difference step: truncation error ~ε², float64 rounding ~1e-16/ε, both far below 1e-7. */
export const FD_EPSILON = 1e-6;

/** Options of `finiteDifferenceGradient`. */
export type FiniteDifferenceOptions = {
  readonly graph: Graph;
  readonly feeds: Readonly<Record<string, Feed>>;
  /** The name of a scalar (one-element) graph output. */
  readonly loss: string;
  /** The name of the float32 graph input to differentiate with respect to. */
  readonly input: string;
  /** The step; FD_EPSILON unless given. */
  readonly epsilon?: number;
};

/**
 * ∂loss/∂input for every element of `input`, row-major, by central differences
 * (f(x + ε) - f(x - ε)) / 2ε, perturbing one element at a time in float64.
 */
export function finiteDifferenceGradient(options: FiniteDifferenceOptions): Float64Array {
  const { graph, feeds, loss, input } = options;
  const epsilon = options.epsilon ?? FD_EPSILON;
  const feed = feeds[input];
  if (feed === undefined)
    throw new EngineError('missing_feed', `no value was fed for graph input "${input}"`);
  if (feed.dtype !== 'float32')
    throw new EngineError(
      'invalid_argument',
      `cannot differentiate with respect to ${feed.dtype} input "${input}"`,
    );
  const base = toReferenceTensor(feed);
  const data = Float64Array.from(base.data);
  const perturbed = { ...feeds, [input]: { dtype: base.dtype, shape: base.shape, data } };
  const evaluate = (): number => {
    const value = runReference(graph, perturbed, [loss])[loss];
    if (value.data.length !== 1) {
      throw new EngineError(
        'invalid_argument',
        `loss output "${loss}" must be a scalar, got ${formatShape(value.shape)}`,
      );
    }
    return value.data[0];
  };
  const gradient = new Float64Array(data.length);
  for (let i = 0; i < data.length; i++) {
    const original = data[i];
    data[i] = original + epsilon;
    const plus = evaluate();
    data[i] = original - epsilon;
    const minus = evaluate();
    data[i] = original;
    gradient[i] = (plus - minus) / (2 * epsilon);
  }
  return gradient;
}
