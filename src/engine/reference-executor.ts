// The float64 reference executor: a plain interpreter of the IR, the slow and obvious ground truth that
// the ONNX Runtime executor and autodiff are tested against. It follows the op semantics of ir.ts.

import { EngineError } from '../errors.js';
import type { Graph } from './graph.js';
import type { Node, Shape } from './ir.js';
import {
  castKernel,
  binaryKernel,
  compareKernel,
  unaryKernel,
  whereKernel,
} from './reference-elementwise.js';
import {
  causalMaskKernel,
  gatherKernel,
  oneHotKernel,
  scatterAddRowsKernel,
  targetLogprobsKernel,
} from './reference-indexing.js';
import {
  broadcastLikeKernel,
  concatKernel,
  padKernel,
  reshapeKernel,
  reshapeLikeKernel,
  sliceKernel,
  sumToShapeOfKernel,
  transposeKernel,
} from './reference-layout.js';
import {
  layerNormKernel,
  matmulKernel,
  reduceKernel,
  rmsNormKernel,
  softmaxKernel,
} from './reference-math.js';
import { dropoutMaskKernel } from './reference-random.js';
import { toReferenceTensor, type Feed, type ReferenceTensor } from './reference-tensor.js';
import { formatShape, sizeOf } from './shapes.js';

export type { Feed, ReferenceTensor } from './reference-tensor.js';

/**
 * Runs `graph` in float64 and returns the named outputs (default: every graph output). Only the nodes
 * the outputs depend on are evaluated. Symbolic dims are bound from the feeds, which are checked:
 * a missing feed is 'missing_feed'; a wrong dtype, rank, static dim or inconsistent symbol is 'invalid_feed'.
 */
export function runReference(
  graph: Graph,
  feeds: Readonly<Record<string, Feed>>,
  outputs?: readonly string[],
): Record<string, ReferenceTensor> {
  const names = outputs ?? [...graph.outputs.keys()];
  const targets = names.map((name) => {
    const id = graph.outputs.get(name);
    if (id === undefined) throw new EngineError('invalid_graph', `the graph has no output "${name}"`);
    return id;
  });
  const bindings = new Map<string, number>();
  const values = new Map<number, ReferenceTensor>();
  for (const id of neededNodes(graph, targets)) {
    const node = graph.node(id);
    const args = node.inputs.map((input) => {
      const value = values.get(input);
      if (value === undefined)
        throw new EngineError('invalid_graph', `node ${id} reads node ${input}, which comes after it`);
      return value;
    });
    const value =
      node.spec.kind === 'input' ? bindFeed(node, node.spec.name, feeds, bindings) : evaluate(node, args);
    checkDeclared(node, value, bindings);
    values.set(id, value);
  }
  const result: Record<string, ReferenceTensor> = {};
  names.forEach((name, i) => {
    result[name] = values.get(targets[i]) as ReferenceTensor;
  });
  return result;
}

/** The ids of the nodes the targets depend on, in ascending (topological) order. */
function neededNodes(graph: Graph, targets: readonly number[]): number[] {
  const seen = new Set<number>();
  const stack = [...targets];
  while (stack.length > 0) {
    const id = stack.pop() as number;
    if (seen.has(id)) continue;
    seen.add(id);
    stack.push(...graph.node(id).inputs);
  }
  return [...seen].sort((a, b) => a - b);
}

/** The feed of one graph input, checked against its declared dtype and shape; binds its symbols. */
function bindFeed(
  node: Node,
  name: string,
  feeds: Readonly<Record<string, Feed>>,
  bindings: Map<string, number>,
): ReferenceTensor {
  const feed = feeds[name];
  if (feed === undefined) throw new EngineError('missing_feed', `no value was fed for graph input "${name}"`);
  const declared = `${node.dtype} ${formatShape(node.shape)}`;
  const fail = (why: string): never => {
    throw new EngineError(
      'invalid_feed',
      `input "${name}" expects ${declared}, got ${feed.dtype} ${formatShape(feed.shape)}: ${why}`,
    );
  };
  if (feed.dtype !== node.dtype) fail('wrong dtype');
  if (feed.shape.length !== node.shape.length) fail('wrong rank');
  if (feed.data.length !== sizeOf(feed.shape))
    fail(`${feed.data.length} values for ${sizeOf(feed.shape)} elements`);
  node.shape.forEach((dim, i) => {
    const size = feed.shape[i];
    if (typeof dim === 'number') {
      if (dim !== size) fail(`dim ${i} must be ${dim}`);
      return;
    }
    const bound = bindings.get(dim);
    if (bound !== undefined && bound !== size) fail(`symbol ${dim} is already bound to ${bound}`);
    bindings.set(dim, size);
  });
  return toReferenceTensor(feed);
}

/** Checks a computed value against the node's declared dtype and shape (static dims and bound symbols). */
function checkDeclared(node: Node, value: ReferenceTensor, bindings: ReadonlyMap<string, number>): void {
  const matches = (dim: Shape[number], size: number) =>
    typeof dim === 'number' ? dim === size : !bindings.has(dim) || bindings.get(dim) === size;
  if (
    value.dtype !== node.dtype ||
    value.shape.length !== node.shape.length ||
    !node.shape.every((d, i) => matches(d, value.shape[i]))
  ) {
    throw new EngineError(
      'shape_mismatch',
      `node ${node.id} (${node.spec.kind}) computed ${value.dtype} ${formatShape(value.shape)} but the graph declares ${node.dtype} ${formatShape(node.shape)}`,
    );
  }
}

/** One op applied to its evaluated inputs. */
function evaluate(node: Node, args: readonly ReferenceTensor[]): ReferenceTensor {
  const spec = node.spec;
  const [x, y, z] = args;
  switch (spec.kind) {
    case 'input':
      throw new EngineError('invalid_graph', 'inputs are bound from feeds');
    case 'constant':
      return { dtype: node.dtype, shape: node.shape.map(Number), data: Float64Array.from(spec.data) };
    case 'unary':
      return unaryKernel(spec.op, x);
    case 'binary':
      return binaryKernel(spec.op, x, y);
    case 'compare':
      return compareKernel(spec.op, x, y);
    case 'matmul':
      return matmulKernel(x, y, spec.transA, spec.transB);
    case 'reduce':
      return reduceKernel(x, spec.op, spec.axes, spec.keepDims);
    case 'softmax':
      return softmaxKernel(x, false);
    case 'logSoftmax':
      return softmaxKernel(x, true);
    case 'layerNorm':
      return layerNormKernel(x, y, z, spec.epsilon);
    case 'rmsNorm':
      return rmsNormKernel(x, y, spec.epsilon);
    case 'gather':
      return gatherKernel(x, y);
    case 'scatterAddRows':
      return scatterAddRowsKernel(x, y, z);
    case 'reshape':
      return reshapeKernel(x, spec.shape);
    case 'reshapeLike':
      return reshapeLikeKernel(x, y);
    case 'sumToShapeOf':
      return sumToShapeOfKernel(x, y);
    case 'broadcastLike':
      return broadcastLikeKernel(x, y);
    case 'pad':
      return padKernel(x, spec.axis, spec.before, spec.after);
    case 'transpose':
      return transposeKernel(x, spec.perm);
    case 'slice':
      return sliceKernel(x, spec.axis, spec.start, spec.end);
    case 'concat':
      return concatKernel(args, spec.axis);
    case 'where':
      return whereKernel(x, y, z);
    case 'cast':
      return castKernel(x, spec.to);
    case 'oneHot':
      return oneHotKernel(x, spec.depth);
    case 'targetLogprobs':
      return targetLogprobsKernel(x, y);
    case 'causalMask':
      return causalMaskKernel(x);
    case 'stopGradient':
      return x;
    case 'dropoutMask':
      return dropoutMaskKernel(x, y, spec.rate, spec.salt);
    default:
      throw new EngineError(
        'unknown_op',
        `node ${node.id} has unknown op kind "${(spec as { kind: string }).kind}"`,
      );
  }
}
