// The ONNX Runtime executor against the float64 reference executor, plus session sharing and feed errors.

import { describe, expect, it } from 'vitest';
import { EngineError } from '../errors.js';
import { Graph } from './graph.js';
import type { Node } from './ir.js';
import { compileGraph } from './onnx-executor.js';
import { exportOnnx } from './onnx-export.js';
import { decodeOnnxModel } from './onnx-proto.js';
import { OP_CASES } from './op-cases.js';
import { runReference } from './reference-executor.js';
import { sessionCache } from './session-cache.js';
import { floatTensor, int64Tensor, toNumbers, type Tensor } from './tensor.js';

/** Relative and absolute tolerance of float32 ONNX Runtime results against the float64 reference. */
const FORWARD_RTOL = 1e-4;
const FORWARD_ATOL = 1e-5;

function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, context: string): void {
  expect(actual.length, context).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const tolerance = FORWARD_ATOL + FORWARD_RTOL * Math.abs(expected[i]);
    if (!(Math.abs(actual[i] - expected[i]) <= tolerance)) {
      expect.fail(`${context}: element ${i} is ${actual[i]}, expected ${expected[i]} (±${tolerance})`);
    }
  }
}

async function expectEngineError(promise: Promise<unknown>, code: string, message?: RegExp): Promise<void> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(EngineError);
  expect((error as EngineError).code).toBe(code);
  if (message) expect((error as EngineError).message).toMatch(message);
}

/** The output name of op cases; distinct from every input name the cases use. */
const RESULT = 'result';

describe('compileGraph matches the reference executor', () => {
  it.each(OP_CASES.map((c) => [c.name, c] as const))('%s', async (_, opCase) => {
    const graph = new Graph();
    const { feeds, output } = opCase.build(graph);
    graph.output(RESULT, output);
    const expected = runReference(graph, feeds)[RESULT];
    const compiled = await compileGraph(graph, { threads: 1 });
    try {
      const actual = (await compiled.run(feeds))[RESULT];
      expect(actual.dtype).toBe(expected.dtype);
      expect(actual.shape).toEqual(expected.shape);
      expectClose(actual.data as Float32Array, expected.data, opCase.name);
    } finally {
      await compiled.dispose();
    }
  });
});

/** A small attention-like graph with symbolic B and T: softmax(q kᵀ + mask) v with a gelu and rmsNorm. */
function attentionGraph(): Graph {
  const g = new Graph();
  const x = g.input('x', 'float32', ['B', 'T', 4]); // (B, T, C)
  const w = g.input('w', 'float32', [4, 4]);
  const gamma = g.input('gamma', 'float32', [4]);
  const h = g.rmsNorm(g.unary('gelu', g.matmul(x, w)), gamma); // (B, T, C)
  const scores = g.matmul(h, h, { transB: true }); // (B, T, T)
  const attention = g.softmax(g.add(scores, g.causalMask(scores))); // (B, T, T)
  g.output('y', g.matmul(attention, h)); // (B, T, C)
  g.output('loss', g.sum(g.targetLogprobs(h, g.input('targets', 'int64', ['B', 'T'])), [0, 1]));
  return g;
}

function attentionFeeds(b: number, t: number): Record<string, Tensor> {
  const values = (n: number, scale: number) => Array.from({ length: n }, (_, i) => Math.sin(i * scale));
  return {
    x: floatTensor(values(b * t * 4, 0.7), [b, t, 4]),
    w: floatTensor(values(16, 1.3), [4, 4]),
    gamma: floatTensor(
      values(4, 0.4).map((v) => 1 + v),
      [4],
    ),
    targets: int64Tensor(
      values(b * t, 2.1).map((v) => Math.floor((v + 1) * 1.99)),
      [b, t],
    ),
  };
}

/** Cases whose shapes are symbolic, so the lowering takes its Shape()-based paths; run at two sizes each. */
const SYMBOLIC_CASES: ReadonlyArray<{
  name: string;
  build(g: Graph): void;
  feeds(n: number): Record<string, Tensor>;
}> = [
  {
    name: 'causalMask (T, S) with T < S',
    build: (g) => {
      const scores = g.input('scores', 'float32', ['T', 'S']);
      g.output(RESULT, g.softmax(g.add(scores, g.causalMask(scores))));
    },
    feeds: (n) => ({ scores: floatTensor(wave(n * (n + 2), 0.9), [n, n + 2]) }),
  },
  {
    name: 'scatterAddRows with broadcast updates',
    build: (g) => {
      const like = g.input('like', 'float32', ['V', 3]);
      g.output(
        RESULT,
        g.scatterAddRows(like, g.input('indices', 'int64', ['N']), g.input('updates', 'float32', [1, 3])),
      );
    },
    feeds: (n) => ({
      like: floatTensor(new Float32Array(3 * (n + 1)), [n + 1, 3]),
      indices: int64Tensor(
        Array.from({ length: n }, (_, i) => (i * 2) % (n + 1)),
        [n],
      ),
      updates: floatTensor([0.5, -1, 2], [1, 3]),
    }),
  },
  {
    name: 'sumToShapeOf (B, 3, 4) to (3, 1), broadcastLike back, reshapeLike',
    build: (g) => {
      const x = g.input('x', 'float32', ['B', 3, 4]);
      const summed = g.sumToShapeOf(x, g.input('like', 'float32', [3, 1])); // (3, 1)
      const spread = g.add(g.broadcastLike(summed, x), x); // (B, 3, 4)
      g.output(RESULT, g.reshapeLike(spread, g.input('flat', 'float32', ['M'])));
    },
    feeds: (n) => ({
      x: floatTensor(wave(n * 12, 0.3), [n, 3, 4]),
      like: floatTensor([0, 0, 0], [3, 1]),
      flat: floatTensor(new Float32Array(n * 12), [n * 12]),
    }),
  },
  {
    name: 'compare less on bool, pad on a symbolic axis',
    build: (g) => {
      const p = g.compare('greater', g.input('p', 'float32', ['N']), g.scalar(0));
      const q = g.compare('greater', g.input('q', 'float32', ['N']), g.scalar(0));
      g.output(RESULT, g.pad(g.cast(g.compare('less', p, q), 'float32'), 0, 1, 2));
    },
    feeds: (n) => ({ p: floatTensor(wave(n, 1.1), [n]), q: floatTensor(wave(n, 2.3), [n]) }),
  },
];

/** n deterministic values sin(i * scale). */
function wave(n: number, scale: number): number[] {
  return Array.from({ length: n }, (_, i) => Math.sin((i + 1) * scale));
}

describe('symbolic-shape lowerings match the reference executor', () => {
  it.each(SYMBOLIC_CASES.map((c) => [c.name, c] as const))('%s', async (_, symbolicCase) => {
    const graph = new Graph();
    symbolicCase.build(graph);
    const compiled = await compileGraph(graph, { threads: 1 });
    try {
      for (const n of [2, 5]) {
        const feeds = symbolicCase.feeds(n);
        const expected = runReference(graph, feeds)[RESULT];
        const actual = (await compiled.run(feeds))[RESULT];
        expect(actual.shape).toEqual(expected.shape);
        expectClose(actual.data as Float32Array, expected.data, `${symbolicCase.name} at n=${n}`);
      }
    } finally {
      await compiled.dispose();
    }
  });
});

describe('symbolic dims and the session cache', () => {
  it('serves two batch and sequence sizes from one session, matching the reference', async () => {
    const graph = attentionGraph();
    const compiled = await compileGraph(graph, { threads: 1 });
    try {
      for (const [b, t] of [
        [1, 3],
        [2, 5],
      ]) {
        const feeds = attentionFeeds(b, t);
        const actual = await compiled.run(feeds);
        const expected = runReference(graph, feeds);
        expect(actual.y.shape).toEqual([b, t, 4]);
        expectClose(actual.y.data as Float32Array, expected.y.data, `y at B=${b} T=${t}`);
        expectClose(actual.loss.data as Float32Array, expected.loss.data, `loss at B=${b} T=${t}`);
      }
    } finally {
      await compiled.dispose();
    }
  });

  it('creates one session for the same graph compiled twice and releases it after both disposals', async () => {
    const before = sessionCache.sessionsCreated;
    const first = await compileGraph(attentionGraph(), { threads: 1 });
    const second = await compileGraph(attentionGraph(), { threads: 1 });
    expect(sessionCache.sessionsCreated - before).toBe(1);
    const sizeWithBoth = sessionCache.size;
    await first.dispose();
    expect(sessionCache.size).toBe(sizeWithBoth);
    expect(Object.keys(await second.run(attentionFeeds(1, 2)))).toEqual(['y', 'loss']);
    await second.dispose();
    expect(sessionCache.size).toBe(sizeWithBoth - 1);
  });

  it('compiles only the nodes a subset of outputs needs', async () => {
    const graph = attentionGraph();
    const model = decodeOnnxModel(exportOnnx(graph, { outputs: ['y'] }));
    expect(model.graph.input.map((i) => i.name)).toEqual(['x', 'w', 'gamma']);
    expect(model.graph.node.some((n) => n.opType === 'GatherElements')).toBe(false);
    const compiled = await compileGraph(graph, { outputs: ['y'], threads: 1 });
    try {
      expect(compiled.inputNames).toEqual(['x', 'w', 'gamma']);
      const result = await compiled.run(attentionFeeds(1, 2)); // the unused 'targets' feed is ignored
      expect(Object.keys(result)).toEqual(['y']);
    } finally {
      await compiled.dispose();
    }
  });

  it('writes symbolic input dims as dim_param and transposed products as FusedMatMul', () => {
    const model = decodeOnnxModel(exportOnnx(attentionGraph()));
    expect(model.graph.input[0].type.tensorType.shape.dim).toEqual([
      { dimParam: 'B' },
      { dimParam: 'T' },
      { dimValue: 4 },
    ]);
    expect(model.graph.node.filter((n) => n.opType === 'FusedMatMul')).toHaveLength(1);
    expect(model.opsetImport.map((o) => [o.domain ?? '', o.version])).toEqual([
      ['', 17],
      ['com.microsoft', 1],
    ]);
  });

  it('returns an input or a constant requested as an output', async () => {
    const g = new Graph();
    const x = g.input('x', 'float32', [2]);
    g.output('same', x);
    g.output('x', x);
    g.output('twice', g.mul(x, g.constant([2, 2], [2])));
    g.output('alsoTwice', g.node(g.outputs.get('twice') as number));
    g.output('c', g.constant([7], [1]));
    const compiled = await compileGraph(g, { threads: 1 });
    const result = await compiled.run({ x: floatTensor([1, 3], [2]) });
    await compiled.dispose();
    expect(toNumbers(result.same)).toEqual([1, 3]);
    expect(toNumbers(result.x)).toEqual([1, 3]);
    expect(toNumbers(result.twice)).toEqual([2, 6]);
    expect(toNumbers(result.alsoTwice)).toEqual([2, 6]);
    expect(toNumbers(result.c)).toEqual([7]);
  });
});

describe('feed validation and failures', () => {
  const graph = attentionGraph();
  const run = async (feeds: Record<string, Tensor>) => {
    const compiled = await compileGraph(graph, { threads: 1 });
    try {
      return await compiled.run(feeds);
    } finally {
      await compiled.dispose();
    }
  };

  it('rejects a missing feed', async () => {
    const { x, w, gamma } = attentionFeeds(1, 2);
    await expectEngineError(run({ x, w, gamma }), 'missing_feed', /targets/);
  });

  it('rejects a feed of the wrong dtype', async () => {
    const feeds = attentionFeeds(1, 2);
    await expectEngineError(
      run({ ...feeds, targets: floatTensor([0, 1], [1, 2]) }),
      'invalid_feed',
      /targets.*int64/,
    );
  });

  it('rejects a feed with a wrong static dim', async () => {
    const feeds = attentionFeeds(1, 2);
    await expectEngineError(
      run({ ...feeds, w: floatTensor(new Float32Array(12), [4, 3]) }),
      'invalid_feed',
      /"w".*\[4, 3\]/,
    );
  });

  it('rejects a feed of the wrong rank', async () => {
    const feeds = attentionFeeds(1, 2);
    await expectEngineError(
      run({ ...feeds, gamma: floatTensor(new Float32Array(4), [1, 4]) }),
      'invalid_feed',
      /rank/,
    );
  });

  it('rejects a symbol bound to two sizes in one run', async () => {
    const feeds = attentionFeeds(1, 2);
    await expectEngineError(
      run({ ...feeds, targets: int64Tensor([0, 1, 1], [1, 3]) }),
      'invalid_feed',
      /symbol T/,
    );
  });

  it('rejects a feed name that is no graph input', async () => {
    await expectEngineError(
      run({ ...attentionFeeds(1, 2), typo: floatTensor([1], [1]) }),
      'invalid_feed',
      /typo/,
    );
  });

  it('rejects an output named like a different input', async () => {
    const g = new Graph();
    const x = g.input('x', 'float32', [2]);
    g.output('x', g.neg(x));
    await expectEngineError(compileGraph(g), 'invalid_graph', /"x"/);
  });

  it('rejects an unknown op kind when compiling', async () => {
    const g = new Graph();
    const x = g.input('x', 'float32', [2]);
    const bogus: Node = {
      id: g.nodes.length,
      spec: { kind: 'fft' } as unknown as Node['spec'],
      inputs: [x.id],
      dtype: 'float32',
      shape: [2],
    };
    g.nodes.push(bogus);
    g.outputs.set('y', bogus.id);
    await expectEngineError(compileGraph(g), 'unknown_op', /fft/);
  });

  it('turns an ONNX Runtime failure into runtime_failure', async () => {
    const g = new Graph();
    const x = g.input('x', 'float32', ['N']);
    g.output('y', g.reshape(x, [2, 2])); // fails inside ONNX Runtime unless N = 4
    const compiled = await compileGraph(g, { threads: 1 });
    try {
      await expectEngineError(compiled.run({ x: floatTensor([1, 2, 3], [3]) }), 'runtime_failure');
      expect(toNumbers((await compiled.run({ x: floatTensor([1, 2, 3, 4], [4]) })).y)).toEqual([1, 2, 3, 4]);
    } finally {
      await compiled.dispose();
    }
  });
});
