// The graph builder: appends typed nodes, infers their shapes, and fails at build time on mismatches.

import { EngineError } from '../errors.js';
import type { BinaryOp, CompareOp, DType, Dim, Node, OpSpec, Shape, UnaryOp, Value } from './ir.js';
import { DROPOUT_MODULUS } from './dropout-hash.js';
import { broadcastShapes, formatShape, matmulShape, normalizeAxis, reshapeShape } from './shapes.js';

/** A computation graph under construction: nodes in topological order plus named outputs. */
export class Graph {
  readonly nodes: Node[] = [];
  readonly outputs = new Map<string, number>();
  private readonly inputNames = new Set<string>();

  /** Declares a graph input fed by name at run time. */
  input(name: string, dtype: DType, shape: Shape): Value {
    if (this.inputNames.has(name)) throw new EngineError('invalid_graph', `duplicate graph input "${name}"`);
    this.inputNames.add(name);
    return this.push({ kind: 'input', name }, [], dtype, shape);
  }

  /** A literal tensor; `data` is row-major and must match the shape. */
  constant(data: readonly number[], shape: readonly number[] = [], dtype: DType = 'float32'): Value {
    const size = shape.reduce((p, d) => p * d, 1);
    if (data.length !== size) {
      throw new EngineError(
        'invalid_graph',
        `constant has ${data.length} values for shape ${formatShape(shape)}`,
      );
    }
    return this.push({ kind: 'constant', data: [...data] }, [], dtype, shape);
  }

  /** A float32 scalar constant. */
  scalar(value: number): Value {
    return this.constant([value], [], 'float32');
  }

  /** Names a value as a graph output. */
  output(name: string, value: Value): void {
    if (this.outputs.has(name)) throw new EngineError('invalid_graph', `duplicate graph output "${name}"`);
    this.check(value);
    this.outputs.set(name, value.id);
  }

  /** The graph inputs in declaration order. */
  inputs(): Node[] {
    return this.nodes.filter((n) => n.spec.kind === 'input');
  }

  unary(op: UnaryOp, x: Value): Value {
    this.expectFloat(x, op);
    return this.push({ kind: 'unary', op }, [x], 'float32', x.shape);
  }

  binary(op: BinaryOp, a: Value, b: Value): Value {
    this.expectFloat(a, op);
    this.expectFloat(b, op);
    return this.push({ kind: 'binary', op }, [a, b], 'float32', broadcastShapes(a.shape, b.shape, op));
  }

  compare(op: CompareOp, a: Value, b: Value): Value {
    if (a.dtype !== b.dtype) {
      throw new EngineError('dtype_mismatch', `${op}: operands are ${a.dtype} and ${b.dtype}`);
    }
    return this.push({ kind: 'compare', op }, [a, b], 'bool', broadcastShapes(a.shape, b.shape, op));
  }

  add(a: Value, b: Value): Value {
    return this.binary('add', a, b);
  }
  sub(a: Value, b: Value): Value {
    return this.binary('sub', a, b);
  }
  mul(a: Value, b: Value): Value {
    return this.binary('mul', a, b);
  }
  div(a: Value, b: Value): Value {
    return this.binary('div', a, b);
  }
  neg(x: Value): Value {
    return this.unary('neg', x);
  }
  exp(x: Value): Value {
    return this.unary('exp', x);
  }
  log(x: Value): Value {
    return this.unary('log', x);
  }

  /** Batched matrix product over the last two axes; see `OpSpec` for transposes and broadcasting. */
  matmul(a: Value, b: Value, options: { transA?: boolean; transB?: boolean } = {}): Value {
    const transA = options.transA ?? false;
    const transB = options.transB ?? false;
    this.expectFloat(a, 'matmul');
    this.expectFloat(b, 'matmul');
    return this.push(
      { kind: 'matmul', transA, transB },
      [a, b],
      'float32',
      matmulShape(a.shape, b.shape, transA, transB),
    );
  }

  /** Sum, mean or max over axes (negative axes allowed). */
  reduce(op: 'sum' | 'mean' | 'max', x: Value, axes: readonly number[], keepDims = false): Value {
    this.expectFloat(x, `reduce ${op}`);
    const rank = x.shape.length;
    const norm = [...new Set(axes.map((a) => normalizeAxis(a, rank, `reduce ${op}`)))].sort((p, q) => p - q);
    const shape: Dim[] = [];
    x.shape.forEach((d, i) => {
      if (!norm.includes(i)) shape.push(d);
      else if (keepDims) shape.push(1);
    });
    return this.push({ kind: 'reduce', op, axes: norm, keepDims }, [x], 'float32', shape);
  }

  sum(x: Value, axes: readonly number[], keepDims = false): Value {
    return this.reduce('sum', x, axes, keepDims);
  }
  mean(x: Value, axes: readonly number[], keepDims = false): Value {
    return this.reduce('mean', x, axes, keepDims);
  }

  softmax(x: Value): Value {
    this.expectFloat(x, 'softmax');
    return this.push({ kind: 'softmax' }, [x], 'float32', x.shape);
  }

  logSoftmax(x: Value): Value {
    this.expectFloat(x, 'logSoftmax');
    return this.push({ kind: 'logSoftmax' }, [x], 'float32', x.shape);
  }

  layerNorm(x: Value, gamma: Value, beta: Value, epsilon = 1e-5): Value {
    this.expectLastDim(x, gamma, 'layerNorm gamma');
    this.expectLastDim(x, beta, 'layerNorm beta');
    return this.push({ kind: 'layerNorm', epsilon }, [x, gamma, beta], 'float32', x.shape);
  }

  rmsNorm(x: Value, gamma: Value, epsilon = 1e-6): Value {
    this.expectLastDim(x, gamma, 'rmsNorm gamma');
    return this.push({ kind: 'rmsNorm', epsilon }, [x, gamma], 'float32', x.shape);
  }

  /** Embedding lookup: rows of `table` at int64 `indices`. */
  gather(table: Value, indices: Value): Value {
    this.expectFloat(table, 'gather');
    this.expectDtype(indices, 'int64', 'gather indices');
    return this.push({ kind: 'gather' }, [table, indices], 'float32', [
      ...indices.shape,
      ...table.shape.slice(1),
    ]);
  }

  /** Zeros like `like`, with `updates` rows added at `indices` (the gradient of gather). */
  scatterAddRows(like: Value, indices: Value, updates: Value): Value {
    this.expectDtype(indices, 'int64', 'scatterAddRows indices');
    const expected = [...indices.shape, ...like.shape.slice(1)];
    broadcastShapes(expected, updates.shape, 'scatterAddRows updates');
    if (updates.shape.length !== expected.length) {
      throw new EngineError(
        'shape_mismatch',
        `scatterAddRows: updates ${formatShape(updates.shape)} should be ${formatShape(expected)}`,
      );
    }
    return this.push({ kind: 'scatterAddRows' }, [like, indices, updates], 'float32', like.shape);
  }

  /** ONNX-style reshape: 0 copies the input dim, one -1 is inferred. */
  reshape(x: Value, shape: readonly number[]): Value {
    return this.push(
      { kind: 'reshape', shape: [...shape] },
      [x],
      x.dtype,
      reshapeShape(x.shape, shape, 'reshape'),
    );
  }

  /** Reshapes x to the runtime shape of `like`. */
  reshapeLike(x: Value, like: Value): Value {
    return this.push({ kind: 'reshapeLike' }, [x, like], x.dtype, like.shape);
  }

  /** Sums x down to the shape `like` had before broadcasting. */
  sumToShapeOf(x: Value, like: Value): Value {
    broadcastShapes(x.shape, like.shape, 'sumToShapeOf');
    return this.push({ kind: 'sumToShapeOf' }, [x, like], x.dtype, like.shape);
  }

  /** Broadcasts x to the shape of `like`. */
  broadcastLike(x: Value, like: Value): Value {
    const shape = broadcastShapes(x.shape, like.shape, 'broadcastLike');
    if (shape.length !== like.shape.length) {
      throw new EngineError(
        'shape_mismatch',
        `broadcastLike: ${formatShape(x.shape)} has a higher rank than ${formatShape(like.shape)}`,
      );
    }
    return this.push({ kind: 'broadcastLike' }, [x, like], x.dtype, like.shape);
  }

  /** Adds `before` and `after` zeros along one axis. */
  pad(x: Value, axis: number, before: number, after: number): Value {
    const a = normalizeAxis(axis, x.shape.length, 'pad');
    if (!Number.isInteger(before) || !Number.isInteger(after) || before < 0 || after < 0) {
      throw new EngineError(
        'invalid_graph',
        `pad: before ${before} and after ${after} must be non-negative integers`,
      );
    }
    const d = x.shape[a];
    const shape = [...x.shape];
    shape[a] =
      typeof d === 'number' ? d + before + after : before + after === 0 ? d : `${d}+${before + after}`;
    return this.push({ kind: 'pad', axis: a, before, after }, [x], x.dtype, shape);
  }

  transpose(x: Value, perm: readonly number[]): Value {
    const sorted = [...perm].sort((p, q) => p - q);
    if (perm.length !== x.shape.length || sorted.some((p, i) => p !== i)) {
      throw new EngineError(
        'invalid_graph',
        `transpose: perm [${perm.join(', ')}] is not a permutation of rank ${x.shape.length}`,
      );
    }
    return this.push(
      { kind: 'transpose', perm: [...perm] },
      [x],
      x.dtype,
      perm.map((p) => x.shape[p]),
    );
  }

  /** Elements [start, end) along one axis, ONNX clamping rules. */
  slice(x: Value, axis: number, start: number, end: number): Value {
    const a = normalizeAxis(axis, x.shape.length, 'slice');
    const d = x.shape[a];
    let size: Dim;
    if (typeof d === 'number') {
      const clamp = (v: number) => Math.min(Math.max(v < 0 ? v + d : v, 0), d);
      size = Math.max(0, clamp(end) - clamp(start));
    } else if (start >= 0 && end >= 0 && end < 1e9) {
      size = end - start;
    } else if (start < 0 && end >= 1e9) {
      size = -start;
    } else {
      size = `${d}'`;
    }
    const shape = [...x.shape];
    shape[a] = size;
    return this.push({ kind: 'slice', axis: a, start, end }, [x], x.dtype, shape);
  }

  concat(xs: readonly Value[], axis: number): Value {
    if (xs.length === 0) throw new EngineError('invalid_graph', 'concat of no values');
    const rank = xs[0].shape.length;
    const a = normalizeAxis(axis, rank, 'concat');
    let total: Dim = 0;
    for (const x of xs) {
      if (x.shape.length !== rank || x.dtype !== xs[0].dtype) {
        throw new EngineError(
          'shape_mismatch',
          `concat: ${formatShape(x.shape)} ${x.dtype} does not match ${formatShape(xs[0].shape)} ${xs[0].dtype}`,
        );
      }
      x.shape.forEach((d, i) => {
        const ref = xs[0].shape[i];
        if (i !== a && d !== ref && typeof d === 'number' && typeof ref === 'number') {
          throw new EngineError(
            'shape_mismatch',
            `concat: ${formatShape(x.shape)} does not match ${formatShape(xs[0].shape)} off axis ${a}`,
          );
        }
      });
      const d = x.shape[a];
      total = typeof total === 'number' && typeof d === 'number' ? total + d : `${total}+${d}`;
    }
    const shape = [...xs[0].shape];
    shape[a] = total;
    return this.push({ kind: 'concat', axis: a }, xs, xs[0].dtype, shape);
  }

  where(cond: Value, a: Value, b: Value): Value {
    this.expectDtype(cond, 'bool', 'where condition');
    if (a.dtype !== b.dtype)
      throw new EngineError('dtype_mismatch', `where: branches are ${a.dtype} and ${b.dtype}`);
    const shape = broadcastShapes(broadcastShapes(cond.shape, a.shape, 'where'), b.shape, 'where');
    return this.push({ kind: 'where' }, [cond, a, b], a.dtype, shape);
  }

  cast(x: Value, to: DType): Value {
    return this.push({ kind: 'cast', to }, [x], to, x.shape);
  }

  oneHot(indices: Value, depth: number): Value {
    this.expectDtype(indices, 'int64', 'oneHot indices');
    return this.push({ kind: 'oneHot', depth }, [indices], 'float32', [...indices.shape, depth]);
  }

  /** log_softmax(logits) at the target ids: the per-token log-probability of given tokens. */
  targetLogprobs(logits: Value, targets: Value): Value {
    this.expectFloat(logits, 'targetLogprobs');
    this.expectDtype(targets, 'int64', 'targetLogprobs targets');
    broadcastShapes(logits.shape.slice(0, -1), targets.shape, 'targetLogprobs');
    if (logits.shape.length !== targets.shape.length + 1) {
      throw new EngineError(
        'shape_mismatch',
        `targetLogprobs: logits ${formatShape(logits.shape)} and targets ${formatShape(targets.shape)}`,
      );
    }
    return this.push({ kind: 'targetLogprobs' }, [logits, targets], 'float32', targets.shape);
  }

  /** Additive causal bias (T, S) for attention scores whose last two axes are (T, S). */
  causalMask(scores: Value): Value {
    if (scores.shape.length < 2)
      throw new EngineError('shape_mismatch', 'causalMask needs scores of rank >= 2');
    return this.push({ kind: 'causalMask' }, [scores], 'float32', scores.shape.slice(-2));
  }

  stopGradient(x: Value): Value {
    return this.push({ kind: 'stopGradient' }, [x], x.dtype, x.shape);
  }

  /** An inverted-dropout mask shaped like `like` (0, or 1/(1 − rate) where kept) from an int64 scalar seed. */
  dropoutMask(like: Value, seed: Value, options: { rate: number; salt: number }): Value {
    this.expectDtype(seed, 'int64', 'dropoutMask seed');
    if (seed.shape.length !== 0)
      throw new EngineError(
        'shape_mismatch',
        `dropoutMask: seed must be a scalar, got ${formatShape(seed.shape)}`,
      );
    const { rate, salt } = options;
    if (!(rate >= 0 && rate < 1))
      throw new EngineError('invalid_graph', `dropoutMask: rate must be in [0, 1), got ${rate}`);
    if (!Number.isInteger(salt) || salt < 0 || salt >= DROPOUT_MODULUS)
      throw new EngineError(
        'invalid_graph',
        `dropoutMask: salt must be an integer in [0, 2^31 − 1), got ${salt}`,
      );
    return this.push({ kind: 'dropoutMask', rate, salt }, [like, seed], 'float32', like.shape);
  }

  /** Looks a node up by id. */
  node(id: number): Node {
    const node = this.nodes[id];
    if (!node) throw new EngineError('invalid_graph', `no node with id ${id}`);
    return node;
  }

  private push(spec: OpSpec, inputs: readonly Value[], dtype: DType, shape: Shape): Value {
    for (const v of inputs) this.check(v);
    const node: Node = {
      id: this.nodes.length,
      spec,
      inputs: inputs.map((v) => v.id),
      dtype,
      shape: [...shape],
    };
    this.nodes.push(node);
    return { id: node.id, dtype, shape: node.shape };
  }

  private check(v: Value): void {
    if (this.nodes[v.id] === undefined || this.nodes[v.id].shape !== v.shape) {
      throw new EngineError('invalid_graph', `value ${v.id} does not belong to this graph`);
    }
  }

  private expectFloat(v: Value, context: string): void {
    this.expectDtype(v, 'float32', context);
  }

  private expectDtype(v: Value, dtype: DType, context: string): void {
    if (v.dtype !== dtype)
      throw new EngineError('dtype_mismatch', `${context}: expected ${dtype}, got ${v.dtype}`);
  }

  private expectLastDim(x: Value, p: Value, context: string): void {
    const d = x.shape[x.shape.length - 1];
    if (
      p.shape.length !== 1 ||
      (typeof d === 'number' && typeof p.shape[0] === 'number' && p.shape[0] !== d)
    ) {
      throw new EngineError('shape_mismatch', `${context}: expected [${d}], got ${formatShape(p.shape)}`);
    }
  }
}
