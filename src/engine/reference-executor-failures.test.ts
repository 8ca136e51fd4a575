// Failure cases of the reference executor: every bad feed, index or graph gets a clear EngineError.

import { describe, expect, it } from 'vitest';
import { EngineError } from '../errors.js';
import { Graph } from './graph.js';
import { type OpSpec } from './ir.js';
import { runReference, type ReferenceTensor } from './reference-executor.js';
import { floatTensor, int64Tensor } from './tensor.js';

/** Runs a one-output graph built by `body` and returns its output. */
function run(
  body: (g: Graph) => ReturnType<Graph['input']>,
  feeds: Parameters<typeof runReference>[1],
): ReferenceTensor {
  const graph = new Graph();
  graph.output('y', body(graph));
  return runReference(graph, feeds).y;
}

function expectEngineError(f: () => unknown, code: string, ...fragments: string[]): void {
  try {
    f();
  } catch (error) {
    expect(error).toBeInstanceOf(EngineError);
    expect((error as EngineError).code).toBe(code);
    for (const fragment of fragments) expect((error as Error).message).toContain(fragment);
    return;
  }
  throw new Error(`expected EngineError ${code}`);
}

describe('runReference failures', () => {
  const graphWith = () => {
    const graph = new Graph();
    const x = graph.input('x', 'float32', ['B', 3]);
    const y = graph.input('y', 'float32', ['B']);
    graph.output('z', graph.add(graph.sum(x, [1]), y));
    return graph;
  };

  it('a missing feed names the input', () => {
    expectEngineError(
      () => runReference(graphWith(), { x: floatTensor(new Float32Array(6), [2, 3]) }),
      'missing_feed',
      '"y"',
    );
  });

  it('a wrong dtype, rank or static dim names the input and the shapes', () => {
    const y = floatTensor([0, 0], [2]);
    expectEngineError(
      () => runReference(graphWith(), { x: int64Tensor([0, 0, 0, 0, 0, 0], [2, 3]), y }),
      'invalid_feed',
      '"x"',
      'float32 [B, 3]',
      'int64 [2, 3]',
    );
    expectEngineError(
      () => runReference(graphWith(), { x: floatTensor(new Float32Array(6), [6]), y }),
      'invalid_feed',
      '"x"',
      '[6]',
      'rank',
    );
    expectEngineError(
      () => runReference(graphWith(), { x: floatTensor(new Float32Array(8), [2, 4]), y }),
      'invalid_feed',
      '"x"',
      '[2, 4]',
      'dim 1 must be 3',
    );
  });

  it('a symbol bound to two sizes names the input and the symbol', () => {
    expectEngineError(
      () =>
        runReference(graphWith(), {
          x: floatTensor(new Float32Array(6), [2, 3]),
          y: floatTensor([0, 0, 0], [3]),
        }),
      'invalid_feed',
      '"y"',
      'symbol B',
      '[3]',
    );
  });

  it('a float64 feed whose data does not match its shape', () => {
    const x = { dtype: 'float32' as const, shape: [2, 3], data: new Float64Array(5) };
    expectEngineError(
      () => runReference(graphWith(), { x, y: floatTensor([0, 0], [2]) }),
      'invalid_feed',
      '"x"',
      '5 values',
    );
  });

  it('indices out of range name the index and the range', () => {
    const table = floatTensor([1, 2, 3, 4, 5, 6], [3, 2]);
    expectEngineError(
      () =>
        run((g) => g.gather(g.input('t', 'float32', [3, 2]), g.input('i', 'int64', [2])), {
          t: table,
          i: int64Tensor([0, 3], [2]),
        }),
      'invalid_feed',
      'index 3',
      '[0, 3)',
    );
    expectEngineError(
      () =>
        run((g) => g.gather(g.input('t', 'float32', [3, 2]), g.input('i', 'int64', [1])), {
          t: table,
          i: int64Tensor([-1], [1]),
        }),
      'invalid_feed',
      'index -1',
    );
    expectEngineError(
      () =>
        run((g) => g.targetLogprobs(g.input('l', 'float32', [1, 3]), g.input('t', 'int64', [1])), {
          l: floatTensor([0, 0, 0], [1, 3]),
          t: int64Tensor([5], [1]),
        }),
      'invalid_feed',
      'index 5',
      '[0, 3)',
    );
    expectEngineError(
      () => run((g) => g.oneHot(g.input('i', 'int64', [1]), 4), { i: int64Tensor([4], [1]) }),
      'invalid_feed',
      'index 4',
      '[0, 4)',
    );
    expectEngineError(
      () =>
        run(
          (g) =>
            g.scatterAddRows(
              g.input('t', 'float32', [3, 2]),
              g.input('i', 'int64', [1]),
              g.input('u', 'float32', [1, 2]),
            ),
          {
            t: table,
            i: int64Tensor([7], [1]),
            u: floatTensor([1, 1], [1, 2]),
          },
        ),
      'invalid_feed',
      'index 7',
    );
  });

  it('an unknown op kind', () => {
    const graph = new Graph();
    const x = graph.input('x', 'float32', [1]);
    graph.nodes.push({
      id: 1,
      spec: { kind: 'fft' } as unknown as OpSpec,
      inputs: [x.id],
      dtype: 'float32',
      shape: [1],
    });
    graph.outputs.set('y', 1);
    expectEngineError(() => runReference(graph, { x: floatTensor([1], [1]) }), 'unknown_op', 'fft');
  });

  it('an output the graph does not have', () => {
    expectEngineError(() => runReference(graphWith(), {}, ['nope']), 'invalid_graph', '"nope"');
  });
});
