// Gradients of the whole training step against finite differences, and gradient accumulation.

import { describe, expect, it } from 'vitest';
import { FD_EPSILON } from '../engine/gradcheck.js';
import { Rng } from '../engine/random.js';
import { runReference, type Feed } from '../engine/reference-executor.js';
import { LanguageModel } from '../models/language-model.js';
import { buildLogprobGraph } from '../models/lm-graphs.js';
import { parameterSpecs } from '../models/transformer-params.js';
import { LocalTrainingBackend } from './local-backend.js';
import { declareLossInputs, lossExpression } from './losses.js';
import { LOSS_FN_NAMES, type Datum, type LossFnConfig, type LossFnName } from './training-backend.js';

/** Gradients from ONNX Runtime (float32) against float64 central differences: relative part. */
const GRADIENT_RTOL = 5e-4;

/** Absolute part, above the ~1e-6 float32 rounding seen on gradients of scale ~0.1–1. */
const GRADIENT_ATOL = 5e-6;

/** The summed loss of a float32 run against the float64 reference, relative to max(1, |loss|). */
const LOSS_RTOL = 1e-5;

/** A checked entry counts as informative when its gradient is this far from zero. */
const INFORMATIVE_GRADIENT = 1e-3;

/** Per-token logprobs of two float32 runs of the same weights (different graphs or batch shapes). */
const LOGPROB_TOLERANCE = 1e-5;

/** Gradients summed in a different order or batch shape (float32 rounding), relative to the largest. */
const ACCUMULATION_RTOL = 1e-5;

import { VARIANTS, sequences, tinyModel } from './test-support/tiny-backend.js';

const TARGET_RATIOS = [1.0, 1.5, 0.6, 1.1, 0.9, 1.35, 0.65];
const LOSS_CONFIG: LossFnConfig = { clipLowThreshold: 0.75, clipHighThreshold: 1.25, beta: 0.2 };

/** Datums over `seqs` with every loss input; q is set from the model's current logprobs so ratios are known. */
async function rlDatums(model: LanguageModel, seqs: readonly number[][], rng: Rng): Promise<Datum[]> {
  const current = await model.logprobs(seqs);
  return seqs.map((seq, d) => {
    const n = seq.length - 1;
    return {
      modelInput: seq.slice(0, n),
      lossFnInputs: {
        targetTokens: seq.slice(1),
        weights: Array.from({ length: n }, (_, t) => (t === 1 ? 0 : 0.5 + rng.nextFloat())),
        logprobs: current[d].map((lp, t) => lp - Math.log(TARGET_RATIOS[(t + d) % TARGET_RATIOS.length])),
        advantages: Array.from({ length: n }, () => 2 * rng.nextFloat() - 1),
      },
    };
  });
}

/** The loss of one datum on the float64 reference executor, with parameters given as float64 feeds. */
function referenceLoss(
  lossFn: LossFnName,
  model: LanguageModel,
  parameters: Readonly<Record<string, Feed>>,
  datums: readonly Datum[],
): { loss: () => number; logprobs: () => number[][] } {
  const built = buildLogprobGraph(model.config);
  built.graph.output(
    'loss',
    lossExpression(built.graph, lossFn, built.logprobs, declareLossInputs(built.graph, lossFn)),
  );
  built.graph.output('logprobs', built.logprobs);
  const float64 = (values: readonly number[], shape: number[]): Feed => ({
    dtype: 'float32',
    shape,
    data: Float64Array.from(values),
  });
  const scalars: Record<string, Feed> = {
    clipLow: float64([LOSS_CONFIG.clipLowThreshold as number], []),
    clipHigh: float64([LOSS_CONFIG.clipHighThreshold as number], []),
    beta: float64([LOSS_CONFIG.beta as number], []),
  };
  const declared = new Set(built.graph.inputs().map((node) => (node.spec as { name: string }).name));
  // One datum per run (B = 1, no padding), so the oracle does not share the backend's packing.
  const feedsPerDatum = datums.map((datum) => {
    const n = datum.modelInput.length;
    const all: Record<string, Feed> = {
      ...parameters,
      ...scalars,
      tokens: { dtype: 'int64', shape: [1, n], data: Float64Array.from(datum.modelInput) },
      targets: { dtype: 'int64', shape: [1, n], data: Float64Array.from(datum.lossFnInputs.targetTokens) },
      positions: { dtype: 'int64', shape: [1, n], data: Float64Array.from({ length: n }, (_, t) => t) },
      weights: float64(datum.lossFnInputs.weights ?? [], [1, n]),
      oldLogprobs: float64(datum.lossFnInputs.logprobs ?? [], [1, n]),
      advantages: float64(datum.lossFnInputs.advantages ?? [], [1, n]),
    };
    return Object.fromEntries(Object.entries(all).filter(([name]) => declared.has(name)));
  });
  return {
    loss: () =>
      feedsPerDatum.reduce((sum, feeds) => sum + runReference(built.graph, feeds, ['loss']).loss.data[0], 0),
    logprobs: () =>
      feedsPerDatum.map((feeds) => Array.from(runReference(built.graph, feeds, ['logprobs']).logprobs.data)),
  };
}

/**
 * The function whose derivative a loss's gradient is. For cispo the ratio is under a stop-gradient,
 * so its gradient is that of −Σ w·c·A·lp with c = clip(r) frozen at the current weights: a
 * cross_entropy with weights w·c·A, whose central differences are the truth to compare with.
 */
function gradientOracle(
  lossFn: LossFnName,
  model: LanguageModel,
  parameters: Readonly<Record<string, Feed>>,
  datums: readonly Datum[],
): () => number {
  const reference = referenceLoss(lossFn, model, parameters, datums);
  if (lossFn !== 'cispo') return reference.loss;
  const low = LOSS_CONFIG.clipLowThreshold as number;
  const high = LOSS_CONFIG.clipHighThreshold as number;
  const frozen = reference.logprobs().map((lps, d): Datum => {
    const { weights = [], logprobs: q = [], advantages = [] } = datums[d].lossFnInputs;
    const c = lps.map((lp, t) => Math.min(Math.max(Math.exp(lp - q[t]), low), high));
    return {
      modelInput: datums[d].modelInput,
      lossFnInputs: {
        targetTokens: datums[d].lossFnInputs.targetTokens,
        weights: weights.map((w, t) => w * c[t] * advantages[t]),
      },
    };
  });
  return referenceLoss('cross_entropy', model, parameters, frozen).loss;
}

describe('LocalTrainingBackend gradients', () => {
  for (const variant of Object.keys(VARIANTS) as (keyof typeof VARIANTS)[]) {
    for (const lossFn of LOSS_FN_NAMES) {
      it(`${variant}, ${lossFn}: accumulated gradients match central differences of the float64 loss`, async () => {
        const model = tinyModel(variant, 11, { initStd: 0.3 });
        const rng = new Rng(5);
        const seqs = sequences(rng, [7, 4]);
        const datums = await rlDatums(model, seqs, rng);
        const backend = new LocalTrainingBackend({ model });
        const result = await backend.forwardBackward(datums, lossFn, LOSS_CONFIG);

        // The logprobs the step returns are the model's own.
        const expectedLogprobs = await model.logprobs(seqs);
        result.lossFnOutputs.forEach((output, d) => {
          expect(output.logprobs).toHaveLength(datums[d].modelInput.length);
          output.logprobs.forEach((lp, t) =>
            expect(Math.abs(lp - expectedLogprobs[d][t])).toBeLessThan(LOGPROB_TOLERANCE),
          );
        });

        const parameters: Record<string, { dtype: 'float32'; shape: readonly number[]; data: Float64Array }> =
          {};
        for (const spec of parameterSpecs(model.config)) {
          parameters[spec.name] = {
            dtype: 'float32',
            shape: spec.shape,
            data: Float64Array.from(model.parameters.get(spec.name) as Float32Array),
          };
        }
        const referenceValue = referenceLoss(lossFn, model, parameters, datums).loss();
        expect(Math.abs(result.metrics['loss:sum'] - referenceValue)).toBeLessThan(
          LOSS_RTOL * Math.max(1, Math.abs(referenceValue)),
        );
        const loss = gradientOracle(lossFn, model, parameters, datums);

        const grads = backend.accumulatedGradients();
        const specs = parameterSpecs(model.config);
        const picker = new Rng(17);
        let informative = 0;
        for (let k = 0; k < 10; k++) {
          const spec = specs[picker.int(specs.length)];
          const data = parameters[spec.name].data;
          const index = picker.int(data.length);
          const original = data[index];
          data[index] = original + FD_EPSILON;
          const plus = loss();
          data[index] = original - FD_EPSILON;
          const minus = loss();
          data[index] = original;
          const numeric = (plus - minus) / (2 * FD_EPSILON);
          const analytic = (grads.get(spec.name) as Float32Array)[index];
          expect(
            Math.abs(analytic - numeric),
            `${spec.name}[${index}]: backend ${analytic}, finite differences ${numeric}`,
          ).toBeLessThanOrEqual(GRADIENT_ATOL + GRADIENT_RTOL * Math.abs(numeric));
          if (Math.abs(numeric) > INFORMATIVE_GRADIENT) informative++;
        }
        expect(
          informative,
          'most checked entries have a gradient well away from zero',
        ).toBeGreaterThanOrEqual(5);
      });
    }
  }
});

describe('LocalTrainingBackend gradient accumulation', () => {
  it('one call over datums of different lengths equals separate calls, and splitting runs changes nothing', async () => {
    const model = tinyModel('Llama style', 2, { initStd: 0.3 });
    const rng = new Rng(9);
    const datums = await rlDatums(model, sequences(rng, [3, 8, 5]), rng);

    const together = new LocalTrainingBackend({ model });
    const whole = await together.forwardBackward(datums, 'ppo', LOSS_CONFIG);
    expect(whole.lossFnOutputs.map((o) => o.logprobs.length)).toEqual([3, 8, 5]);

    const separate = new LocalTrainingBackend({ model });
    let lossSum = 0;
    for (const datum of datums)
      lossSum += (await separate.forwardBackward([datum], 'ppo', LOSS_CONFIG)).metrics['loss:sum'];
    expect(Math.abs(whole.metrics['loss:sum'] - lossSum)).toBeLessThan(
      ACCUMULATION_RTOL * Math.max(1, Math.abs(lossSum)),
    );
    const weightSum = datums.flatMap((d) => d.lossFnInputs.weights ?? []).reduce((a, b) => a + b, 0);
    expect(whole.metrics['weights:sum']).toBeCloseTo(weightSum, 10);
    // The datums were built with known ratios p/q; the metrics are their weighted mean and clipped share.
    let ratioSum = 0;
    let clippedWeight = 0;
    datums.forEach((datum, d) =>
      (datum.lossFnInputs.weights ?? []).forEach((w, t) => {
        const r = TARGET_RATIOS[(t + d) % TARGET_RATIOS.length];
        ratioSum += w * r;
        if (w > 0 && (r < 0.75 || r > 1.25)) clippedWeight += w;
      }),
    );
    expect(Math.abs(whole.metrics['ratio:mean'] - ratioSum / weightSum)).toBeLessThan(1e-4);
    expect(whole.metrics['clipped:fraction']).toBeCloseTo(clippedWeight / weightSum, 10);
    expect(clippedWeight, 'some tokens are clipped').toBeGreaterThan(0);

    const splitInTwo = new LocalTrainingBackend({ model, maxDatumsPerRun: 2 });
    const splitInOne = new LocalTrainingBackend({ model, maxDatumsPerRun: 1 });
    const split = await splitInTwo.forwardBackward(datums, 'ppo', LOSS_CONFIG);
    await splitInOne.forwardBackward(datums, 'ppo', LOSS_CONFIG);
    split.lossFnOutputs.forEach((output, d) =>
      output.logprobs.forEach((lp, t) =>
        expect(Math.abs(lp - whole.lossFnOutputs[d].logprobs[t])).toBeLessThan(LOGPROB_TOLERANCE),
      ),
    );

    const expected = together.accumulatedGradients();
    for (const other of [separate, splitInTwo, splitInOne]) {
      const actual = other.accumulatedGradients();
      expect([...actual.keys()]).toEqual([...expected.keys()]);
      for (const [name, grad] of expected) {
        const scale = grad.reduce((m, g) => Math.max(m, Math.abs(g)), 0);
        const worst = (actual.get(name) as Float32Array).reduce(
          (m, g, i) => Math.max(m, Math.abs(g - grad[i])),
          0,
        );
        expect(worst, `${name}: worst difference ${worst} at scale ${scale}`).toBeLessThanOrEqual(
          ACCUMULATION_RTOL * Math.max(scale, 1e-3),
        );
      }
    }
    expect((await together.optimStep({ learningRate: 1e-3 })).accumulated).toBe(1);
    expect((await separate.optimStep({ learningRate: 1e-3 })).accumulated).toBe(3);
    expect((await splitInTwo.optimStep({ learningRate: 1e-3 })).accumulated).toBe(1);
    expect(together.accumulatedGradients().size, 'a step clears the gradients').toBe(0);
  });
});
