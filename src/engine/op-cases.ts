// Shared test support: one small graph per op and variant, with seeded feeds, for checking the reference
// executor, the ONNX executor and autodiff against each other. Every case has one float32 output.

import { EngineError } from '../errors.js';
import type { Graph } from './graph.js';
import type { Shape, Value } from './ir.js';
import { floatTensor, int64Tensor, type Tensor } from './tensor.js';

/** What a case built: its feeds, its float output, and the float inputs a gradient check differentiates. */
export type OpCaseBuild = {
  readonly feeds: Record<string, Tensor>;
  readonly output: Value;
  readonly differentiable: Readonly<Record<string, Value>>;
};

/** One op case: a name and a function that adds its small graph to an empty `Graph`. */
export type OpCase = {
  readonly name: string;
  build(graph: Graph): OpCaseBuild;
};

/** A deterministic PRNG (mulberry32) giving floats in [0, 1). */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** How a float input's values are drawn: uniform in [min, max], optionally with a random sign. */
type Range = { readonly min: number; readonly max: number; readonly signed?: boolean };

const SYMMETRIC: Range = { min: -1, max: 1 };
const POSITIVE: Range = { min: 0.5, max: 2 };
const AWAY_FROM_ZERO: Range = { min: 0.3, max: 1.5, signed: true };

/** The least distance between operands of a kink (max, min, comparisons), far above any finite-difference step. */
const KINK_GAP = 0.05;

/** Adds named inputs to a case's graph and records their seeded feeds. */
class CaseInputs {
  readonly feeds: Record<string, Tensor> = {};
  readonly differentiable: Record<string, Value> = {};
  readonly random: () => number;

  constructor(
    readonly graph: Graph,
    name: string,
  ) {
    this.random = mulberry32(hashName(name));
  }

  /** A float32 input with values drawn from `range`; differentiable unless told otherwise. */
  float(name: string, shape: readonly number[], range: Range = SYMMETRIC, differentiable = true): Value {
    const values = Array.from({ length: size(shape) }, () => this.draw(range));
    return this.floatFrom(name, shape, values, differentiable);
  }

  /** A float32 input with given values. */
  floatFrom(name: string, shape: readonly number[], values: readonly number[], differentiable = true): Value {
    const value = this.graph.input(name, 'float32', shape);
    this.feeds[name] = floatTensor(values, shape);
    if (differentiable) this.differentiable[name] = value;
    return value;
  }

  /** An int64 input with values in [0, bound). */
  int(name: string, shape: readonly number[], bound: number): Value {
    const values = Array.from({ length: size(shape) }, () => Math.floor(this.random() * bound));
    this.feeds[name] = int64Tensor(values, shape);
    return this.graph.input(name, 'int64', shape);
  }

  /** Two float inputs in which no pair of elements is within 0.05, keeping max/min/less away from their kinks. */
  separated(
    names: readonly [string, string],
    shapes: readonly [readonly number[], readonly number[]],
    differentiable = true,
  ): [Value, Value] {
    const a = Array.from({ length: size(shapes[0]) }, () => this.draw(SYMMETRIC));
    const b = Array.from({ length: size(shapes[1]) }, () => {
      for (;;) {
        const candidate = this.draw({ min: -1.5, max: 1.5 });
        if (a.every((v) => Math.abs(v - candidate) >= KINK_GAP)) return candidate;
      }
    });
    return [
      this.floatFrom(names[0], shapes[0], a, differentiable),
      this.floatFrom(names[1], shapes[1], b, differentiable),
    ];
  }

  private draw(range: Range): number {
    const magnitude = range.min + (range.max - range.min) * this.random();
    return range.signed && this.random() < 0.5 ? -magnitude : magnitude;
  }
}

/** Defines a case from a body that declares inputs and returns the output value. */
function opCase(name: string, body: (c: CaseInputs, g: Graph) => Value): OpCase {
  return {
    name,
    build(graph) {
      const c = new CaseInputs(graph, name);
      const output = body(c, graph);
      return { feeds: c.feeds, output, differentiable: c.differentiable };
    },
  };
}

/** Every op kind and every unary, binary and compare variant, with broadcasting and attribute variants. */
export const OP_CASES: readonly OpCase[] = [
  ...(['neg', 'exp', 'tanh', 'sigmoid', 'gelu', 'silu'] as const).map((op) =>
    opCase(`unary ${op}`, (c, g) => g.unary(op, c.float('x', [2, 3], { min: -2, max: 2 }))),
  ),
  ...(['log', 'sqrt'] as const).map((op) =>
    opCase(`unary ${op}`, (c, g) => g.unary(op, c.float('x', [2, 3], POSITIVE))),
  ),
  ...(['abs', 'reciprocal'] as const).map((op) =>
    opCase(`unary ${op}`, (c, g) => g.unary(op, c.float('x', [2, 3], AWAY_FROM_ZERO))),
  ),
  ...(['add', 'sub', 'mul'] as const).map((op) =>
    opCase(`binary ${op}`, (c, g) => g.binary(op, c.float('a', [2, 3]), c.float('b', [2, 3]))),
  ),
  opCase('binary div', (c, g) => g.div(c.float('a', [2, 3]), c.float('b', [2, 3], AWAY_FROM_ZERO))),
  opCase('binary pow', (c, g) =>
    g.binary('pow', c.float('a', [2, 3], POSITIVE), c.float('b', [2, 3], { min: -1.5, max: 2 })),
  ),
  ...(['maximum', 'minimum'] as const).map((op) =>
    opCase(`binary ${op}`, (c, g) =>
      g.binary(
        op,
        ...c.separated(
          ['a', 'b'],
          [
            [2, 3],
            [2, 3],
          ],
        ),
      ),
    ),
  ),
  opCase('broadcast add (2,3,4)+(4)', (c, g) => g.add(c.float('a', [2, 3, 4]), c.float('b', [4]))),
  opCase('broadcast mul (2,1,4)*(3,1)', (c, g) => g.mul(c.float('a', [2, 1, 4]), c.float('b', [3, 1]))),
  opCase('broadcast sub (3,1)-(2,1,4)', (c, g) => g.sub(c.float('a', [3, 1]), c.float('b', [2, 1, 4]))),
  opCase('broadcast div by scalar', (c, g) => g.div(c.float('a', [2, 3]), c.float('b', [], AWAY_FROM_ZERO))),
  opCase('broadcast maximum (2,3)+(3)', (c, g) =>
    g.binary('maximum', ...c.separated(['a', 'b'], [[2, 3], [3]])),
  ),
  ...(['less', 'greater'] as const).map((op) =>
    opCase(`compare ${op} in where`, (c, g) => {
      const [a, b] = c.separated(
        ['a', 'b'],
        [
          [2, 3],
          [2, 3],
        ],
        false,
      );
      return g.where(g.compare(op, a, b), c.float('x', [2, 3]), c.float('y', [2, 3]));
    }),
  ),
  opCase('compare equal (int64) in where', (c, g) =>
    g.where(
      g.compare('equal', c.int('i', [2, 3], 2), c.int('j', [2, 3], 2)),
      c.float('x', [2, 3]),
      c.float('y', [2, 3]),
    ),
  ),
  opCase('where broadcast (2,1) (2,3) (3)', (c, g) =>
    g.where(
      g.compare('greater', c.float('p', [2, 1], AWAY_FROM_ZERO, false), g.scalar(0)),
      c.float('x', [2, 3]),
      c.float('y', [3]),
    ),
  ),
  ...(
    [
      [false, false],
      [true, false],
      [false, true],
      [true, true],
    ] as const
  ).map(([transA, transB]) =>
    opCase(`matmul transA=${transA} transB=${transB}`, (c, g) =>
      g.matmul(c.float('a', transA ? [4, 3] : [3, 4]), c.float('b', transB ? [5, 4] : [4, 5]), {
        transA,
        transB,
      }),
    ),
  ),
  opCase('matmul (2,3,4)@(4,5)', (c, g) => g.matmul(c.float('a', [2, 3, 4]), c.float('b', [4, 5]))),
  opCase('matmul (2,3,4)@(2,4,5)', (c, g) => g.matmul(c.float('a', [2, 3, 4]), c.float('b', [2, 4, 5]))),
  opCase('matmul (1,3,4)@(2,5,4) transB', (c, g) =>
    g.matmul(c.float('a', [1, 3, 4]), c.float('b', [2, 5, 4]), { transB: true }),
  ),
  opCase('matmul (2,2,4,3)ᵀ@(2,4,5)', (c, g) =>
    g.matmul(c.float('a', [2, 2, 4, 3]), c.float('b', [2, 4, 5]), { transA: true }),
  ),
  ...(
    [
      ['sum', [1], false],
      ['sum', [0, 2], true],
      ['sum', [0, 1, 2], false],
      ['mean', [1, 2], false],
      ['mean', [0], true],
      ['mean', [0], false],
      ['max', [2], false],
      ['max', [1], false],
      ['max', [0, 1], true],
      ['max', [-1], true],
    ] as const
  ).map(([op, axes, keepDims]) =>
    opCase(`reduce ${op} axes [${axes.join(',')}] keepDims=${keepDims}`, (c, g) =>
      g.reduce(op, c.float('x', [2, 3, 4]), axes, keepDims),
    ),
  ),
  opCase('softmax (2,5)', (c, g) => g.softmax(c.float('x', [2, 5], { min: -3, max: 3 }))),
  opCase('logSoftmax (2,3,5)', (c, g) => g.logSoftmax(c.float('x', [2, 3, 5], { min: -3, max: 3 }))),
  opCase('layerNorm (2,3,4)', (c, g) =>
    g.layerNorm(c.float('x', [2, 3, 4]), c.float('gamma', [4]), c.float('beta', [4])),
  ),
  opCase('rmsNorm (2,4)', (c, g) => g.rmsNorm(c.float('x', [2, 4]), c.float('gamma', [4]))),
  opCase('gather (5,3)[(2,3)]', (c, g) => g.gather(c.float('table', [5, 3]), c.int('indices', [2, 3], 5))),
  opCase('scatterAddRows (5,3) with repeats', (c, g) => {
    const indices = c.graph.input('indices', 'int64', [4]);
    c.feeds.indices = int64Tensor([1, 3, 1, 0], [4]);
    return g.scatterAddRows(c.float('like', [5, 3], SYMMETRIC, false), indices, c.float('updates', [4, 3]));
  }),
  opCase('reshape [0,-1]', (c, g) => g.reshape(c.float('x', [2, 3, 4]), [0, -1])),
  opCase('reshape [-1,2,2]', (c, g) => g.reshape(c.float('x', [2, 3, 4]), [-1, 2, 2])),
  opCase('reshapeLike (2,6) as (3,4)', (c, g) =>
    g.reshapeLike(c.float('x', [2, 6]), c.float('like', [3, 4], SYMMETRIC, false)),
  ),
  opCase('sumToShapeOf (2,3,4) to (3,1)', (c, g) =>
    g.sumToShapeOf(c.float('x', [2, 3, 4]), c.float('like', [3, 1], SYMMETRIC, false)),
  ),
  opCase('broadcastLike (3,1) to (2,3,4)', (c, g) =>
    g.broadcastLike(c.float('x', [3, 1]), c.float('like', [2, 3, 4], SYMMETRIC, false)),
  ),
  opCase('pad axis 1 (1,2)', (c, g) => g.pad(c.float('x', [2, 3, 2]), 1, 1, 2)),
  opCase('transpose 3D [2,0,1]', (c, g) => g.transpose(c.float('x', [2, 3, 4]), [2, 0, 1])),
  opCase('transpose 4D [0,2,1,3]', (c, g) => g.transpose(c.float('x', [2, 3, 4, 2]), [0, 2, 1, 3])),
  opCase('slice axis 1 [-4,-1)', (c, g) => g.slice(c.float('x', [3, 5]), 1, -4, -1)),
  opCase('slice axis 0 [1,1e9) clamped', (c, g) => g.slice(c.float('x', [3, 5]), 0, 1, 1e9)),
  opCase('slice axis -1 [-2,end)', (c, g) => g.slice(c.float('x', [2, 3, 4]), -1, -2, 1e9)),
  opCase('concat axis 1', (c, g) =>
    g.concat([c.float('a', [2, 1]), c.float('b', [2, 3]), c.float('c', [2, 2])], 1),
  ),
  opCase('concat axis 0 (3D)', (c, g) => g.concat([c.float('a', [1, 2, 3]), c.float('b', [2, 2, 3])], 0)),
  opCase('cast int64→float32 times x', (c, g) =>
    g.mul(c.float('x', [2, 3]), g.cast(c.int('i', [2, 3], 4), 'float32')),
  ),
  opCase('oneHot depth 4 times x', (c, g) =>
    g.mul(g.oneHot(c.int('i', [2, 3], 4), 4), c.float('x', [2, 3, 4])),
  ),
  opCase('targetLogprobs (2,3,5)', (c, g) =>
    g.targetLogprobs(c.float('logits', [2, 3, 5], { min: -3, max: 3 }), c.int('targets', [2, 3], 5)),
  ),
  opCase('causalMask T<S in softmax (2,3,5)', (c, g) => {
    const scores = c.float('scores', [2, 3, 5], { min: -3, max: 3 });
    return g.softmax(g.add(scores, g.causalMask(scores)));
  }),
  opCase('stopGradient x*sg(y)', (c, g) =>
    g.mul(c.float('x', [2, 3]), g.stopGradient(c.float('y', [2, 3], SYMMETRIC, false))),
  ),
  opCase('dropoutMask rate 0.5 times x', (c, g) => {
    const x = c.float('x', [2, 3, 4]);
    return g.mul(x, g.dropoutMask(x, c.int('seed', [], 1000), { rate: 0.5, salt: 7 }));
  }),
];

/**
 * The scalar loss sum(output * W) with fixed seeded weights W in [-1, 1] shaped like `output`, so that
 * every output element gets a distinct, non-trivial upstream gradient. `output` must have a static shape.
 */
export function weightedSumLoss(graph: Graph, output: Value, seed = 7): Value {
  const shape = staticShape(output.shape);
  const random = mulberry32(seed);
  const weights = graph.constant(
    Array.from({ length: size(shape) }, () => 2 * random() - 1),
    shape,
  );
  const weighted = graph.mul(output, weights);
  return shape.length === 0
    ? weighted
    : graph.sum(
        weighted,
        shape.map((_, i) => i),
      );
}

function staticShape(shape: Shape): readonly number[] {
  if (!shape.every((d): d is number => typeof d === 'number')) {
    throw new EngineError(
      'invalid_argument',
      `weightedSumLoss needs a static output shape, got [${shape.join(', ')}]`,
    );
  }
  return shape;
}

function size(shape: readonly number[]): number {
  return shape.reduce((p, d) => p * d, 1);
}

function hashName(name: string): number {
  let hash = 2166136261;
  for (let i = 0; i < name.length; i++) hash = Math.imul(hash ^ name.charCodeAt(i), 16777619);
  return hash >>> 0;
}
