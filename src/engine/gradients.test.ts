import { describe, expect, it } from 'vitest';
import { gradients } from './autodiff.js';
import { finiteDifferenceGradient } from './gradcheck.js';
import { Graph } from './graph.js';
import { OP_CASES, weightedSumLoss } from './op-cases.js';
import { runReference } from './reference-executor.js';
import { floatTensor } from './tensor.js';

/** Relative tolerance of autodiff against central differences, both evaluated in float64. */
const GRADIENT_RTOL = 1e-5;

/** Absolute tolerance, above the ~1e-10 rounding error of a central difference with ε = 1e-6. */
const GRADIENT_ATOL = 1e-7;

/** The worst element of `actual` against `expected`, as a message, or undefined when all are within tolerance. */
function worstMismatch(actual: Float64Array, expected: Float64Array): string | undefined {
  let worst: string | undefined;
  let worstExcess = 0;
  expected.forEach((e, i) => {
    const excess = Math.abs(actual[i] - e) - (GRADIENT_ATOL + GRADIENT_RTOL * Math.abs(e));
    if (excess > worstExcess || Number.isNaN(actual[i])) {
      worstExcess = Number.isNaN(actual[i]) ? Infinity : excess;
      worst = `element ${i}: autodiff ${actual[i]}, finite differences ${e}`;
    }
  });
  return worst;
}

describe('autodiff against finite differences', () => {
  for (const opCase of OP_CASES) {
    it(opCase.name, () => {
      const graph = new Graph();
      const built = opCase.build(graph);
      const names = Object.keys(built.differentiable);
      expect(names.length, 'every op case differentiates at least one input').toBeGreaterThan(0);
      const loss = weightedSumLoss(graph, built.output);
      graph.output('loss', loss);
      const grads = gradients(
        graph,
        loss,
        names.map((name) => built.differentiable[name]),
      );
      grads.forEach((grad, i) => graph.output(`grad/${names[i]}`, grad));
      const result = runReference(graph, built.feeds);
      for (const name of names) {
        const grad = result[`grad/${name}`];
        expect(grad.shape, `gradient shape of ${name}`).toEqual(built.feeds[name].shape);
        const expected = finiteDifferenceGradient({ graph, feeds: built.feeds, loss: 'loss', input: name });
        expect(worstMismatch(grad.data, expected), `gradient of ${name}`).toBeUndefined();
      }
    });
  }

  it('stopGradient blocks the gradient that finite differences would see', () => {
    const graph = new Graph();
    const x = graph.input('x', 'float32', [3]);
    const loss = weightedSumLoss(graph, graph.mul(x, graph.stopGradient(x)));
    const [grad] = gradients(graph, loss, [x]);
    graph.output('grad', grad);
    const feeds = { x: floatTensor([0.5, -1, 2], [3]) };
    const autodiff = runReference(graph, feeds).grad.data;
    graph.output('loss', loss);
    const full = finiteDifferenceGradient({ graph, feeds, loss: 'loss', input: 'x' });
    // d/dx of x·sg(x)·w is sg(x)·w: half the full derivative 2x·w.
    full.forEach((d, i) => expect(autodiff[i]).toBeCloseTo(d / 2, 6));
  });

  it('finite differences of a known function', () => {
    const graph = new Graph();
    const x = graph.input('x', 'float32', [2]);
    graph.output('loss', graph.sum(graph.mul(graph.mul(x, x), x), [0])); // Σ x³
    const gradient = finiteDifferenceGradient({
      graph,
      feeds: { x: floatTensor([1, -2], [2]) },
      loss: 'loss',
      input: 'x',
    });
    expect(gradient[0]).toBeCloseTo(3, 8);
    expect(gradient[1]).toBeCloseTo(12, 8);
  });
});
