import { describe, expect, it } from 'vitest';
import { Graph } from './graph.js';
import { MASK_VALUE, OP_KINDS, type BinaryOp, type CompareOp, type UnaryOp } from './ir.js';
import { OP_CASES } from './op-cases.js';
import { runReference, type ReferenceTensor } from './reference-executor.js';
import { boolTensor, floatTensor, int64Tensor } from './tensor.js';

/** Hand-computed values are exact up to float64 rounding of a few operations. */
const HAND_TOLERANCE = 1e-12;

function expectValues(tensor: ReferenceTensor, shape: readonly number[], values: readonly number[]): void {
  expect(tensor.shape).toEqual(shape);
  expect(tensor.data.length).toBe(values.length);
  tensor.data.forEach((v, i) =>
    expect(Math.abs(v - values[i])).toBeLessThanOrEqual(HAND_TOLERANCE * Math.max(1, Math.abs(values[i]))),
  );
}

/** Runs a one-output graph built by `body` and returns its output. */
function run(
  body: (g: Graph) => ReturnType<Graph['input']>,
  feeds: Parameters<typeof runReference>[1],
): ReferenceTensor {
  const graph = new Graph();
  graph.output('y', body(graph));
  return runReference(graph, feeds).y;
}

function float64(values: readonly number[], shape: readonly number[]): ReferenceTensor {
  return { dtype: 'float32', shape, data: Float64Array.from(values) };
}

const A22 = floatTensor([1, 2, 3, 4], [2, 2]);
const B22 = floatTensor([5, 6, 7, 8], [2, 2]);

describe('runReference ops', () => {
  it('matmul 2x2 with every transpose', () => {
    const mm = (transA: boolean, transB: boolean) =>
      run(
        (g) => g.matmul(g.input('a', 'float32', [2, 2]), g.input('b', 'float32', [2, 2]), { transA, transB }),
        { a: A22, b: B22 },
      );
    expectValues(mm(false, false), [2, 2], [19, 22, 43, 50]);
    expectValues(mm(true, false), [2, 2], [26, 30, 38, 44]);
    expectValues(mm(false, true), [2, 2], [17, 23, 39, 53]);
    expectValues(mm(true, true), [2, 2], [23, 31, 34, 46]);
  });

  it('matmul broadcasts batch axes', () => {
    const a = floatTensor([1, 2, 3, 4, 2, 0, 0, 2], [2, 2, 2]);
    const y = run((g) => g.matmul(g.input('a', 'float32', [2, 2, 2]), g.input('b', 'float32', [2, 2])), {
      a,
      b: B22,
    });
    expectValues(y, [2, 2, 2], [19, 22, 43, 50, 10, 12, 14, 16]);
  });

  it('softmax and logSoftmax of [0, ln 2]', () => {
    const x = float64([0, Math.log(2)], [2]); // float64 feeds: ln 2 is not a float32
    expectValues(
      run((g) => g.softmax(g.input('x', 'float32', [2])), { x }),
      [2],
      [1 / 3, 2 / 3],
    );
    expectValues(
      run((g) => g.logSoftmax(g.input('x', 'float32', [2])), { x }),
      [2],
      [Math.log(1 / 3), Math.log(2 / 3)],
    );
  });

  it('softmax stays finite for large logits', () => {
    const y = run((g) => g.softmax(g.input('x', 'float32', [2])), { x: floatTensor([1000, 1000], [2]) });
    expectValues(y, [2], [0.5, 0.5]);
  });

  it('layerNorm of [1, 2, 3] uses the population variance', () => {
    const s = 1 / Math.sqrt(2 / 3 + 1e-5);
    const y = run(
      (g) =>
        g.layerNorm(
          g.input('x', 'float32', [3]),
          g.input('gamma', 'float32', [3]),
          g.input('beta', 'float32', [3]),
          1e-5,
        ),
      {
        x: floatTensor([1, 2, 3], [3]),
        gamma: floatTensor([1, 2, 3], [3]),
        beta: floatTensor([0, 1, 0], [3]),
      },
    );
    expectValues(y, [3], [-s, 1, 3 * s]);
  });

  it('rmsNorm of [3, 4]', () => {
    const s = 1 / Math.sqrt(12.5 + 1e-6);
    const y = run((g) => g.rmsNorm(g.input('x', 'float32', [2]), g.input('gamma', 'float32', [2])), {
      x: floatTensor([3, 4], [2]),
      gamma: floatTensor([1, 2], [2]),
    });
    expectValues(y, [2], [3 * s, 8 * s]);
  });

  it('causalMask with T=2, S=3 lets query i see keys up to i + 1', () => {
    const y = run((g) => g.causalMask(g.input('s', 'float32', [4, 2, 3])), {
      s: floatTensor(new Float32Array(24), [4, 2, 3]),
    });
    expectValues(y, [2, 3], [0, 0, MASK_VALUE, 0, 0, 0]);
  });

  it('slice with negatives and ONNX clamping', () => {
    const x = floatTensor([0, 1, 2, 3, 4], [5]);
    const slice = (start: number, end: number) =>
      run((g) => g.slice(g.input('x', 'float32', [5]), 0, start, end), { x });
    expectValues(slice(-3, -1), [2], [2, 3]);
    expectValues(slice(-10, 2), [2], [0, 1]);
    expectValues(slice(3, 1e9), [2], [3, 4]);
    expectValues(slice(3, 1), [0], []);
  });

  it('reshape with 0 and -1', () => {
    const data = Array.from({ length: 24 }, (_, i) => i);
    const y = run((g) => g.reshape(g.input('x', 'float32', [2, 3, 4]), [0, -1]), {
      x: floatTensor(data, [2, 3, 4]),
    });
    expectValues(y, [2, 12], data);
  });

  it('gather and scatterAddRows', () => {
    const table = floatTensor([1, 2, 3, 4, 5, 6], [3, 2]);
    const indices = int64Tensor([2, 0, 2], [3]);
    const gathered = run((g) => g.gather(g.input('t', 'float32', [3, 2]), g.input('i', 'int64', [3])), {
      t: table,
      i: indices,
    });
    expectValues(gathered, [3, 2], [5, 6, 1, 2, 5, 6]);
    const scattered = run(
      (g) =>
        g.scatterAddRows(
          g.input('t', 'float32', [3, 2]),
          g.input('i', 'int64', [3]),
          g.input('u', 'float32', [3, 2]),
        ),
      { t: table, i: indices, u: floatTensor([1, 1, 2, 2, 3, 3], [3, 2]) },
    );
    expectValues(scattered, [3, 2], [2, 2, 0, 0, 4, 4]);
  });

  it('reductions with and without keepDims', () => {
    const x = floatTensor([1, 2, 3, 4, 5, 6], [2, 3]);
    const reduce = (op: 'sum' | 'mean' | 'max', axes: number[], keepDims: boolean) =>
      run((g) => g.reduce(op, g.input('x', 'float32', [2, 3]), axes, keepDims), { x });
    expectValues(reduce('sum', [1], false), [2], [6, 15]);
    expectValues(reduce('mean', [0], true), [1, 3], [2.5, 3.5, 4.5]);
    expectValues(reduce('max', [0, 1], false), [], [6]);
  });

  it('transpose, concat, pad, broadcastLike and sumToShapeOf', () => {
    const x = floatTensor([1, 2, 3, 4, 5, 6], [2, 3]);
    expectValues(
      run((g) => g.transpose(g.input('x', 'float32', [2, 3]), [1, 0]), { x }),
      [3, 2],
      [1, 4, 2, 5, 3, 6],
    );
    expectValues(
      run(
        (g) => {
          const v = g.input('x', 'float32', [2, 3]);
          return g.concat([v, g.slice(v, 1, 0, 1)], 1);
        },
        { x },
      ),
      [2, 4],
      [1, 2, 3, 1, 4, 5, 6, 4],
    );
    expectValues(
      run((g) => g.pad(g.input('x', 'float32', [2, 3]), 1, 1, 0), { x }),
      [2, 4],
      [0, 1, 2, 3, 0, 4, 5, 6],
    );
    const row = floatTensor([1, 2, 3], [3]);
    expectValues(
      run((g) => g.broadcastLike(g.input('r', 'float32', [3]), g.input('x', 'float32', [2, 3])), {
        r: row,
        x,
      }),
      [2, 3],
      [1, 2, 3, 1, 2, 3],
    );
    expectValues(
      run((g) => g.sumToShapeOf(g.input('x', 'float32', [2, 3]), g.input('r', 'float32', [3])), {
        r: row,
        x,
      }),
      [3],
      [5, 7, 9],
    );
    expectValues(
      run((g) => g.sumToShapeOf(g.input('x', 'float32', [2, 3]), g.input('c', 'float32', [2, 1])), {
        x,
        c: floatTensor([0, 0], [2, 1]),
      }),
      [2, 1],
      [6, 15],
    );
  });

  it('broadcasting binary ops, compare, where, cast and oneHot', () => {
    const col = floatTensor([1, 2], [2, 1]);
    const row = floatTensor([10, 20, 30], [3]);
    expectValues(
      run((g) => g.add(g.input('c', 'float32', [2, 1]), g.input('r', 'float32', [3])), { c: col, r: row }),
      [2, 3],
      [11, 21, 31, 12, 22, 32],
    );
    const picked = run(
      (g) => {
        const c = g.input('c', 'float32', [2, 1]);
        return g.where(g.compare('greater', c, g.scalar(1.5)), g.input('r', 'float32', [3]), g.scalar(-1));
      },
      { c: col, r: row },
    );
    expectValues(picked, [2, 3], [-1, -1, -1, 10, 20, 30]);
    const x = floatTensor([-1.7, 0, 2.9], [3]);
    const toInt = run((g) => g.cast(g.input('x', 'float32', [3]), 'int64'), { x });
    expect(toInt.dtype).toBe('int64');
    expectValues(toInt, [3], [-1, 0, 2]);
    expectValues(
      run((g) => g.cast(g.input('x', 'float32', [3]), 'bool'), { x }),
      [3],
      [1, 0, 1],
    );
    expectValues(
      run((g) => g.cast(g.input('b', 'bool', [2]), 'float32'), { b: boolTensor([1, 0], [2]) }),
      [2],
      [1, 0],
    );
    expectValues(
      run((g) => g.oneHot(g.input('i', 'int64', [2]), 3), { i: int64Tensor([2, 0], [2]) }),
      [2, 3],
      [0, 0, 1, 1, 0, 0],
    );
  });

  it('targetLogprobs, unary ops and pow', () => {
    const logits = float64([0, Math.log(2), 0, 0], [2, 2]);
    const y = run((g) => g.targetLogprobs(g.input('l', 'float32', [2, 2]), g.input('t', 'int64', [2])), {
      l: logits,
      t: int64Tensor([1, 0], [2]),
    });
    expectValues(y, [2], [Math.log(2 / 3), Math.log(1 / 2)]);
    const one = floatTensor([1], [1]);
    const unary = (op: UnaryOp) => run((g) => g.unary(op, g.input('x', 'float32', [1])), { x: one }).data[0];
    expect(unary('gelu')).toBeCloseTo(0.5 * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * 1.044715)), 12);
    expect(unary('silu')).toBeCloseTo(1 / (1 + Math.exp(-1)), 12);
    expect(unary('reciprocal')).toBe(1);
    expectValues(
      run((g) => g.binary('pow', g.input('a', 'float32', [2]), g.scalar(3)), {
        a: floatTensor([2, -2], [2]),
      }),
      [2],
      [8, -8],
    );
  });

  it('evaluates only the nodes the requested outputs need, and binds symbolic dims', () => {
    const graph = new Graph();
    const x = graph.input('x', 'float32', ['B', 2]);
    graph.output('doubled', graph.add(x, x));
    graph.output('other', graph.neg(graph.input('unfed', 'float32', [1])));
    const result = runReference(graph, { x: floatTensor([1, 2, 3, 4, 5, 6], [3, 2]) }, ['doubled']);
    expect(Object.keys(result)).toEqual(['doubled']);
    expectValues(result.doubled, [3, 2], [2, 4, 6, 8, 10, 12]);
  });

  it('runs every op case to a finite float output of the declared shape', () => {
    for (const opCase of OP_CASES) {
      const graph = new Graph();
      const built = opCase.build(graph);
      graph.output('y', built.output);
      const y = runReference(graph, built.feeds).y;
      expect(y.dtype, opCase.name).toBe('float32');
      expect(y.shape, opCase.name).toEqual(built.output.shape);
      expect(y.data.every(Number.isFinite), opCase.name).toBe(true);
    }
  });

  it('op cases cover every op kind and every unary, binary and compare variant', () => {
    const unary: Record<UnaryOp, true> = {
      neg: true,
      exp: true,
      log: true,
      sqrt: true,
      tanh: true,
      sigmoid: true,
      gelu: true,
      silu: true,
      abs: true,
      reciprocal: true,
    };
    const binary: Record<BinaryOp, true> = {
      add: true,
      sub: true,
      mul: true,
      div: true,
      pow: true,
      maximum: true,
      minimum: true,
    };
    const compare: Record<CompareOp, true> = { equal: true, less: true, greater: true };
    const seen = new Set<string>();
    for (const opCase of OP_CASES) {
      const graph = new Graph();
      opCase.build(graph);
      for (const node of graph.nodes)
        seen.add('op' in node.spec ? `${node.spec.kind}:${node.spec.op}` : node.spec.kind);
    }
    const expected = [
      ...OP_KINDS.filter((kind) => !['unary', 'binary', 'compare', 'reduce'].includes(kind)),
      ...Object.keys(unary).map((op) => `unary:${op}`),
      ...Object.keys(binary).map((op) => `binary:${op}`),
      ...Object.keys(compare).map((op) => `compare:${op}`),
      'reduce:sum',
      'reduce:mean',
      'reduce:max',
    ];
    expect(expected.filter((key) => !seen.has(key))).toEqual([]);
  });
});
