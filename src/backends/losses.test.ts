import { afterAll, describe, expect, it } from 'vitest';
import { gradients } from '../engine/autodiff.js';
import { Graph } from '../engine/graph.js';
import { compileGraph, type CompiledGraph } from '../engine/onnx-executor.js';
import { runReference, type Feed } from '../engine/reference-executor.js';
import { floatTensor, type Tensor } from '../engine/tensor.js';
import { declareLossInputs, lossExpression } from './losses.js';
import type { LossFnName } from './training-backend.js';

/** Float64 reference against float64 hand arithmetic: only rounding of a handful of operations. */
const REFERENCE_TOLERANCE = 1e-12;

/** ONNX Runtime computes in float32: relative error of a few ulps over six tokens. */
const ORT_RELATIVE_TOLERANCE = 1e-5;

// Six tokens as (B, T) = (2, 3). Each column of the tables below is one token.
// r is the importance ratio p/q the token is built to have, so lp = q + ln r.
const Q = [-1.0, -2.0, -0.5, -1.5, -0.7, -1.2];
const R = [1.1, 1.5, 0.5, 1.0, 1.5, 0.5];
const A = [2, 3, -1, 5, -1, 2];
const W = [1, 0.5, 2, 0, 1, 1.5]; // token 3 is masked
const LP = Q.map((q, i) => q + Math.log(R[i]));
const CLIP_LOW = 0.8;
const CLIP_HIGH = 1.2;
const BETA = 0.1;
const REF = [-1.2, -1.7, -0.9, -1.0, -0.4, -1.3]; // reference policy logprobs for the KL penalty
const KL_COEFFICIENT = 0.3;
// Token roles for the ratio losses with clip range [0.8, 1.2]:
//   0: r = 1.1 inside the range;
//   1: r = 1.5 above it with A > 0: clipped, no gradient;
//   2: r = 0.5 below it with A < 0: clipped, no gradient;
//   3: masked by w = 0;
//   4: r = 1.5 above it with A < 0: the unclipped term is the minimum, gradient flows;
//   5: r = 0.5 below it with A > 0: the unclipped term is the minimum, gradient flows.

type Expected = { readonly loss: number; readonly gradient: readonly number[] };

const EXPECTED: Record<LossFnName, Expected> = {
  // −Σ w·lp; d/dlp = −w
  cross_entropy: {
    loss: -(1 * LP[0] + 0.5 * LP[1] + 2 * LP[2] + 0 * LP[3] + 1 * LP[4] + 1.5 * LP[5]),
    gradient: [-1, -0.5, -2, -0, -1, -1.5],
  },
  // −Σ w·r·A; d/dlp = −w·r·A because dr/dlp = r
  importance_sampling: {
    loss: -(1 * 1.1 * 2 + 0.5 * 1.5 * 3 + 2 * 0.5 * -1 + 0 + 1 * 1.5 * -1 + 1.5 * 0.5 * 2),
    gradient: [-1 * 1.1 * 2, -0.5 * 1.5 * 3, -2 * 0.5 * -1, 0, -1 * 1.5 * -1, -1.5 * 0.5 * 2],
  },
  // −Σ w·min(r·A, clip(r)·A)
  ppo: {
    loss: -(1 * (1.1 * 2) + 0.5 * (1.2 * 3) + 2 * (0.8 * -1) + 0 + 1 * (1.5 * -1) + 1.5 * (0.5 * 2)),
    gradient: [-1 * 1.1 * 2, 0, 0, 0, -1 * 1.5 * -1, -1.5 * 0.5 * 2],
  },
  // −Σ w·sg(clip(r))·A·lp; d/dlp = −w·clip(r)·A (the ratio is a constant weight)
  cispo: {
    loss: -(
      1 * 1.1 * 2 * LP[0] +
      0.5 * 1.2 * 3 * LP[1] +
      2 * 0.8 * -1 * LP[2] +
      0 +
      1 * 1.2 * -1 * LP[4] +
      1.5 * 0.8 * 2 * LP[5]
    ),
    gradient: [-1 * 1.1 * 2, -0.5 * 1.2 * 3, -2 * 0.8 * -1, 0, -1 * 1.2 * -1, -1.5 * 0.8 * 2],
  },
  // −Σ w·(lp·A − ½β(lp − q)²) with lp − q = ln r; d/dlp = −w·(A − β·ln r)
  dro: {
    loss: -[0, 1, 2, 3, 4, 5].reduce(
      (sum, i) => sum + W[i] * (LP[i] * A[i] - 0.5 * BETA * Math.log(R[i]) ** 2),
      0,
    ),
    gradient: [0, 1, 2, 3, 4, 5].map((i) => -W[i] * (A[i] - BETA * Math.log(R[i]))),
  },
  // Per row b (tokens 0–2 and 3–5): m = Σw, s = exp(Σ w·ln r / m), Ā = Σ w·A / m.
  // Row 0: m = 3.5, s = exp((ln 1.1 + 0.5 ln 1.5 + 2 ln 0.5)/3.5) ≈ 0.733 < 0.8 with Ā = 1.5/3.5 > 0:
  //   min(s·Ā, 0.8·Ā) = s·Ā, unclipped, so d/dlp_t = −m·Ā·s·w_t/m = −Ā·s·w_t.
  // Row 1: m = 2.5, s = exp((ln 1.5 + 1.5 ln 0.5)/2.5) ≈ 0.776 < 0.8 with Ā = 2/2.5 > 0: unclipped too.
  gspo: (() => {
    const rows = [
      [0, 1, 2],
      [3, 4, 5],
    ];
    const gradient = new Array<number>(6).fill(0);
    let loss = 0;
    for (const row of rows) {
      const m = row.reduce((sum, i) => sum + W[i], 0);
      const s = Math.exp(row.reduce((sum, i) => sum + W[i] * Math.log(R[i]), 0) / m);
      const advantage = row.reduce((sum, i) => sum + W[i] * A[i], 0) / m;
      loss -= m * s * advantage;
      for (const i of row) gradient[i] = -advantage * s * W[i];
    }
    return { loss, gradient };
  })(),
};

/** A graph with a float `logprobs` input (B, T), the loss inputs, the loss and d(loss)/d(logprobs). */
function lossGraph(lossFn: LossFnName): Graph {
  const g = new Graph();
  const lp = g.input('logprobs', 'float32', ['B', 'T']);
  const loss = lossExpression(g, lossFn, lp, declareLossInputs(g, lossFn));
  g.output('loss', loss);
  g.output('gradient', gradients(g, loss, [lp])[0]);
  return g;
}

/** Feeds for every input the graph declares, float64 for the reference or float32 for ONNX Runtime. */
function lossFeeds(graph: Graph, precision: 'float64' | 'float32'): Record<string, Feed> {
  const perToken = (values: readonly number[]): Feed =>
    precision === 'float64'
      ? { dtype: 'float32', shape: [2, 3], data: Float64Array.from(values) }
      : floatTensor(values, [2, 3]);
  const scalar = (value: number): Feed =>
    precision === 'float64'
      ? { dtype: 'float32', shape: [], data: Float64Array.of(value) }
      : floatTensor([value], []);
  const all: Record<string, Feed> = {
    logprobs: perToken(LP),
    weights: perToken(W),
    oldLogprobs: perToken(Q),
    advantages: perToken(A),
    clipLow: scalar(CLIP_LOW),
    clipHigh: scalar(CLIP_HIGH),
    beta: scalar(BETA),
    refLogprobs: perToken(REF),
    klCoefficient: scalar(KL_COEFFICIENT),
  };
  const declared = graph.inputs().map((node) => (node.spec as { name: string }).name);
  return Object.fromEntries(declared.map((name) => [name, all[name]]));
}

const LOSSES = Object.keys(EXPECTED) as LossFnName[];

describe('built-in losses on the reference executor', () => {
  for (const lossFn of LOSSES) {
    it(`${lossFn}: loss and d(loss)/d(logprobs) equal the hand-computed values`, () => {
      const graph = lossGraph(lossFn);
      const out = runReference(graph, lossFeeds(graph, 'float64'));
      expect(out.loss.shape).toEqual([]);
      expect(Math.abs(out.loss.data[0] - EXPECTED[lossFn].loss)).toBeLessThan(REFERENCE_TOLERANCE);
      expect(out.gradient.shape).toEqual([2, 3]);
      EXPECTED[lossFn].gradient.forEach((expected, i) => {
        expect(Math.abs(out.gradient.data[i] - expected), `token ${i}`).toBeLessThan(REFERENCE_TOLERANCE);
      });
    });
  }

  it('cross_entropy reads only logprobs and weights; ratio losses also read q, A and the clip range; dro reads beta', () => {
    const names = (lossFn: LossFnName) =>
      lossGraph(lossFn)
        .inputs()
        .map((node) => (node.spec as { name: string }).name)
        .sort();
    expect(names('cross_entropy')).toEqual(['logprobs', 'weights']);
    expect(names('importance_sampling')).toEqual(['advantages', 'logprobs', 'oldLogprobs', 'weights']);
    expect(names('ppo')).toEqual(['advantages', 'clipHigh', 'clipLow', 'logprobs', 'oldLogprobs', 'weights']);
    expect(names('cispo')).toEqual([
      'advantages',
      'clipHigh',
      'clipLow',
      'logprobs',
      'oldLogprobs',
      'weights',
    ]);
    expect(names('dro')).toEqual(['advantages', 'beta', 'logprobs', 'oldLogprobs', 'weights']);
    expect(names('gspo')).toEqual([
      'advantages',
      'clipHigh',
      'clipLow',
      'logprobs',
      'oldLogprobs',
      'weights',
    ]);
  });

  it('gspo clips the sequence ratio: a row with s above the range and Ā > 0 has no gradient', () => {
    const graph = lossGraph('gspo');
    const high = Q.map((q, i) => (i < 3 ? q + Math.log(1.5) : LP[i])); // row 0: every token r = 1.5
    const out = runReference(graph, {
      ...lossFeeds(graph, 'float64'),
      logprobs: { dtype: 'float32', shape: [2, 3], data: Float64Array.from(high) },
    });
    [0, 1, 2].forEach((i) => expect(out.gradient.data[i]).toBe(0));
    const rowZero = 3.5 * 1.2 * (1.5 / 3.5); // m·clip(s)·Ā with s = 1.5 clipped to 1.2
    const rowOne = 2.5 * Math.exp((Math.log(1.5) + 1.5 * Math.log(0.5)) / 2.5) * (2 / 2.5); // m·s·Ā, unclipped
    expect(Math.abs(out.loss.data[0] + rowZero + rowOne)).toBeLessThan(REFERENCE_TOLERANCE);
  });

  it('the KL penalty adds β·Σ w·(e^(ref − lp) − (ref − lp) − 1), with gradient β·w·(1 − e^(ref − lp))', () => {
    const g = new Graph();
    const lp = g.input('logprobs', 'float32', ['B', 'T']);
    const loss = lossExpression(g, 'cross_entropy', lp, declareLossInputs(g, 'cross_entropy', { kl: true }));
    g.output('loss', loss);
    g.output('gradient', gradients(g, loss, [lp])[0]);
    const out = runReference(g, lossFeeds(g, 'float64'));
    const k3 = (i: number) => Math.exp(REF[i] - LP[i]) - (REF[i] - LP[i]) - 1;
    const expectedLoss =
      EXPECTED.cross_entropy.loss +
      KL_COEFFICIENT * [0, 1, 2, 3, 4, 5].reduce((sum, i) => sum + W[i] * k3(i), 0);
    expect(Math.abs(out.loss.data[0] - expectedLoss)).toBeLessThan(REFERENCE_TOLERANCE);
    [0, 1, 2, 3, 4, 5].forEach((i) => {
      const expected = -W[i] + KL_COEFFICIENT * W[i] * (1 - Math.exp(REF[i] - LP[i]));
      expect(Math.abs(out.gradient.data[i] - expected), `token ${i}`).toBeLessThan(REFERENCE_TOLERANCE);
    });
  });

  it("dro's quadratic term pulls lp back towards q: at A = 0 the gradient is w·β·(lp − q)", () => {
    const graph = lossGraph('dro');
    const feeds = lossFeeds(graph, 'float64');
    const out = runReference(graph, {
      ...feeds,
      advantages: { dtype: 'float32', shape: [2, 3], data: new Float64Array(6) },
    });
    const expectedLoss = [0, 1, 2, 3, 4, 5].reduce(
      (sum, i) => sum + W[i] * 0.5 * BETA * Math.log(R[i]) ** 2,
      0,
    );
    expect(Math.abs(out.loss.data[0] - expectedLoss)).toBeLessThan(REFERENCE_TOLERANCE);
    [0, 1, 2, 3, 4, 5].forEach((i) =>
      expect(Math.abs(out.gradient.data[i] - W[i] * BETA * Math.log(R[i]))).toBeLessThan(REFERENCE_TOLERANCE),
    );
  });
});

describe('built-in losses on ONNX Runtime', () => {
  const compiled: CompiledGraph[] = [];
  afterAll(async () => {
    await Promise.all(compiled.map((c) => c.dispose()));
  });

  for (const lossFn of LOSSES) {
    it(`${lossFn}: the compiled graph gives the reference loss and gradient`, async () => {
      const graph = lossGraph(lossFn);
      const reference = runReference(graph, lossFeeds(graph, 'float64'));
      const onnx = await compileGraph(graph, { threads: 1 });
      compiled.push(onnx);
      const out = await onnx.run(lossFeeds(graph, 'float32') as Record<string, Tensor>);
      const close = (actual: number, expected: number) =>
        Math.abs(actual - expected) <= ORT_RELATIVE_TOLERANCE * Math.max(1, Math.abs(expected));
      expect(
        close(out.loss.data[0] as number, reference.loss.data[0]),
        `loss ${out.loss.data[0]} vs ${reference.loss.data[0]}`,
      ).toBe(true);
      Array.from(out.gradient.data as Float32Array).forEach((g, i) => {
        expect(
          close(g, reference.gradient.data[i]),
          `gradient of token ${i}: ${g} vs ${reference.gradient.data[i]}`,
        ).toBe(true);
      });
    });
  }
});
