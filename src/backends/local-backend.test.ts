import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StatesetError } from '../errors.js';
import { FD_EPSILON } from '../engine/gradcheck.js';
import { Rng } from '../engine/random.js';
import { readSafetensors, writeSafetensors } from '../engine/safetensors.js';
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

const TINY = { vocabSize: 40, width: 16, layers: 2, heads: 4, mlpWidth: 32, contextLength: 32 };
const VARIANTS = {
  'GPT-2 style': {},
  'Llama style': {
    norm: 'rmsnorm',
    activation: 'swiglu',
    positions: 'rotary',
    tiedHead: false,
    bias: false,
    kvHeads: 2,
  },
} as const;

const tempDirs: string[] = [];
afterAll(async () => {
  await Promise.all(tempDirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'local-backend-test-'));
  tempDirs.push(dir);
  return dir;
}

function tinyModel(
  variant: keyof typeof VARIANTS,
  seed: number,
  extra: Record<string, unknown> = {},
): LanguageModel {
  return new LanguageModel({ config: { ...TINY, ...VARIANTS[variant], ...extra }, seed, threads: 1 });
}

/** Random token sequences of the given lengths + 1 (so each yields a datum of that length). */
function sequences(rng: Rng, lengths: readonly number[], vocabSize = TINY.vocabSize): number[][] {
  return lengths.map((n) => Array.from({ length: n + 1 }, () => rng.int(vocabSize)));
}

/** Ratios p/q the RL datums are built to have: inside, above and below the clip range [0.75, 1.25]. */
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

describe('LocalTrainingBackend training', () => {
  it('cross_entropy with AdamW learns a repeated sentence: mean loss falls from ln V to below half of it', async () => {
    const vocabSize = 256;
    const model = new LanguageModel({
      config: { vocabSize, contextLength: 32, width: 32, layers: 2, heads: 4, mlpWidth: 64 },
      seed: 4,
      threads: 1,
    });
    const backend = new LocalTrainingBackend({ model, seed: 1 });
    const bytes = [...Buffer.from('the cat sat on the mat. '.repeat(12))];
    const windows = 8;
    const width = 32;
    const datums: Datum[] = Array.from({ length: windows }, (_, k) => ({
      modelInput: bytes.slice(3 * k, 3 * k + width),
      // Weights 1/N make the summed loss a mean over all N predicted tokens.
      lossFnInputs: {
        targetTokens: bytes.slice(3 * k + 1, 3 * k + width + 1),
        weights: new Array<number>(width).fill(1 / (windows * width)),
      },
    }));
    const losses: number[] = [];
    for (let step = 0; step < 60; step++) {
      losses.push((await backend.forwardBackward(datums, 'cross_entropy')).metrics['loss:sum']);
      await backend.optimStep({ learningRate: 5e-3, weightDecay: 0.01, gradClipNorm: 1 });
    }
    const lnV = Math.log(vocabSize);
    expect(Math.abs(losses[0] - lnV), `initial loss ${losses[0]} vs ln V ${lnV}`).toBeLessThan(0.05 * lnV);
    expect(losses[59], `final loss ${losses[59]}`).toBeLessThan(0.5 * lnV);
    expect(backend.stepCount).toBe(60);
  });
});

describe('LocalTrainingBackend checkpoints', () => {
  const lr = { learningRate: 5e-3, weightDecay: 0.1, gradClipNorm: 1 };
  const prompts = [
    [1, 2, 3],
    [4, 5],
  ];
  const dataRng = new Rng(21);
  const stepData = Array.from({ length: 6 }, () =>
    sequences(dataRng, [6, 9]).map((seq): Datum => ({
      modelInput: seq.slice(0, -1),
      lossFnInputs: { targetTokens: seq.slice(1) },
    })),
  );

  /** Steps [from, to) of a fixed schedule; step 1 also samples without a seed, advancing the backend's stream. */
  async function train(backend: LocalTrainingBackend, from: number, to: number): Promise<void> {
    for (let step = from; step < to; step++) {
      await backend.forwardBackward(stepData[step], 'cross_entropy');
      await backend.optimStep(lr);
      if (step === 1) await backend.sample(prompts, { maxNewTokens: 3 });
    }
  }

  it('a run killed after 3 steps and resumed from its checkpoint in fresh objects ends bitwise equal to an uninterrupted run', async () => {
    const straight = new LocalTrainingBackend({ model: tinyModel('Llama style', 3), seed: 7 });
    await train(straight, 0, 6);

    const path = join(await tempDir(), 'state.safetensors');
    const before = new LocalTrainingBackend({ model: tinyModel('Llama style', 3), seed: 7 });
    await train(before, 0, 3);
    await before.saveState(path);
    // As after a kill: new model (different initial weights) and backend (different seed).
    const resumed = new LocalTrainingBackend({ model: tinyModel('Llama style', 99), seed: 12345 });
    await resumed.loadState(path);
    expect(resumed.stepCount).toBe(3);
    await train(resumed, 3, 6);

    expect(resumed.stepCount).toBe(6);
    for (const spec of parameterSpecs(straight.model.config)) {
      const a = straight.model.parameters.get(spec.name) as Float32Array;
      const b = resumed.model.parameters.get(spec.name) as Float32Array;
      expect(
        Buffer.from(b.buffer, b.byteOffset, b.byteLength).equals(
          Buffer.from(a.buffer, a.byteOffset, a.byteLength),
        ),
        spec.name,
      ).toBe(true);
    }
    // No seed given: both draw their sampling seed from the backend stream, which the checkpoint restored.
    const fromStraight = await straight.sample(prompts, { maxNewTokens: 6 });
    const fromResumed = await resumed.sample(prompts, { maxNewTokens: 6 });
    expect(fromResumed).toEqual(fromStraight);
    const unrestored = new LocalTrainingBackend({ model: straight.model, seed: 12345 });
    expect(
      await unrestored.sample(prompts, { maxNewTokens: 6 }),
      'a different stream draws differently',
    ).not.toEqual(fromStraight);
  });
});

describe('LocalTrainingBackend errors', () => {
  let model: LanguageModel;
  let backend: LocalTrainingBackend;
  const datum = (overrides: Partial<Datum['lossFnInputs']> = {}, modelInput = [1, 2, 3]): Datum => ({
    modelInput,
    lossFnInputs: { targetTokens: [2, 3, 4], ...overrides },
  });
  const rl = { logprobs: [-1, -1, -1], advantages: [1, 0, -1] };

  beforeAll(() => {
    model = tinyModel('GPT-2 style', 1);
    backend = new LocalTrainingBackend({ model });
  });

  /** Awaits `promise`, expecting a StatesetError with `code` whose message contains every fragment. */
  async function expectError(promise: Promise<unknown>, code: string, ...fragments: string[]): Promise<void> {
    const error = await promise.then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error, `expected ${code}`).toBeInstanceOf(StatesetError);
    expect((error as StatesetError).code).toBe(code);
    for (const fragment of fragments) expect((error as StatesetError).message).toContain(fragment);
  }

  it('rejects malformed forwardBackward calls, naming the datum and field', async () => {
    await expectError(
      backend.forwardBackward([datum()], 'sft' as LossFnName),
      'unknown_loss',
      '"sft"',
      'cross_entropy',
    );
    await expectError(backend.forwardBackward([], 'cross_entropy'), 'invalid_argument', 'at least one datum');
    await expectError(
      backend.forwardBackward([datum({ targetTokens: [] }, [])], 'cross_entropy'),
      'invalid_argument',
      'datum 0',
      'modelInput is empty',
    );
    await expectError(
      backend.forwardBackward([datum(), datum({}, [1, 40, 3])], 'cross_entropy'),
      'token_out_of_range',
      'datum 1 modelInput',
      '40',
    );
    await expectError(
      backend.forwardBackward([datum({ targetTokens: [2, -1, 4] })], 'cross_entropy'),
      'token_out_of_range',
      'targetTokens',
      '-1',
    );
    await expectError(
      backend.forwardBackward([datum({ targetTokens: [2, 3] })], 'cross_entropy'),
      'invalid_argument',
      'targetTokens has 2 values, modelInput has 3',
    );
    await expectError(
      backend.forwardBackward([datum({ weights: [1, 1] })], 'cross_entropy'),
      'invalid_argument',
      'weights has 2 values',
    );
    await expectError(
      backend.forwardBackward([datum({ ...rl, advantages: [1] })], 'ppo'),
      'invalid_argument',
      'advantages has 1 values',
    );
    await expectError(
      backend.forwardBackward([datum({ logprobs: rl.logprobs })], 'ppo'),
      'invalid_argument',
      'loss "ppo" needs lossFnInputs.advantages',
    );
    await expectError(
      backend.forwardBackward([datum({ advantages: rl.advantages })], 'importance_sampling'),
      'invalid_argument',
      'needs lossFnInputs.logprobs',
    );
    await expectError(
      backend.forwardBackward([datum({ weights: [1, Number.NaN, 1] })], 'cross_entropy'),
      'invalid_argument',
      'weights[1] is NaN',
    );
    await expectError(
      backend.forwardBackward([datum({ ...rl, logprobs: [-1, -Infinity, -1] })], 'cispo'),
      'invalid_argument',
      'logprobs[1] is -Infinity',
    );
    const long = Array.from({ length: 33 }, (_, i) => i % 40);
    await expectError(
      backend.forwardBackward([datum({ targetTokens: long }, long)], 'cross_entropy'),
      'sequence_too_long',
      '33 tokens',
      'context 32',
    );
    expect(backend.accumulatedGradients().size, 'failed calls accumulate nothing').toBe(0);
  });

  it('rejects clip thresholds outside 0 < low <= 1 <= high and a negative beta', async () => {
    const call = (config: LossFnConfig, lossFn: LossFnName = 'ppo') =>
      backend.forwardBackward([datum(rl)], lossFn, config);
    await expectError(call({ clipLowThreshold: 0 }), 'invalid_argument', 'clip thresholds', '0 and 1.2');
    await expectError(call({ clipLowThreshold: 1.1 }), 'invalid_argument', 'clip thresholds');
    await expectError(call({ clipHighThreshold: 0.9 }), 'invalid_argument', 'clip thresholds', '0.8 and 0.9');
    await expectError(call({ clipHighThreshold: Infinity }), 'invalid_argument', 'clip thresholds');
    await expectError(call({ beta: -0.1 }, 'dro'), 'invalid_argument', 'beta must be >= 0, got -0.1');
  });

  it('refuses an optimiser step without gradients, and drops non-finite gradients', async () => {
    const fresh = new LocalTrainingBackend({ model: tinyModel('GPT-2 style', 1) });
    await expectError(
      fresh.optimStep({ learningRate: 1e-3 }),
      'invalid_argument',
      'no accumulated gradients',
    );
    const before = Float32Array.from(fresh.model.parameters.get('embed.weight') as Float32Array);
    await fresh.forwardBackward([datum({ weights: [3e38, 3e38, 3e38] })], 'cross_entropy');
    await expectError(
      fresh.optimStep({ learningRate: 1e-3 }),
      'invalid_argument',
      'gradient norm is',
      'skipped',
    );
    expect(fresh.model.parameters.get('embed.weight'), 'the skipped step changed no weight').toEqual(before);
    await expectError(
      fresh.optimStep({ learningRate: 1e-3 }),
      'invalid_argument',
      'no accumulated gradients',
    );
    expect(fresh.stepCount).toBe(0);
  });

  it('rejects optimiser settings out of range before touching the gradients', async () => {
    const fresh = new LocalTrainingBackend({ model: tinyModel('GPT-2 style', 1) });
    await fresh.forwardBackward([datum()], 'cross_entropy');
    const grads = fresh.accumulatedGradients();
    const norm = Math.sqrt([...grads.values()].reduce((sum, g) => sum + g.reduce((s, x) => s + x * x, 0), 0));
    const clip = { gradClipNorm: norm / 10 };
    await expectError(fresh.optimStep({ learningRate: -1, ...clip }), 'invalid_argument', 'learningRate -1');
    await expectError(
      fresh.optimStep({ learningRate: Number.NaN, ...clip }),
      'invalid_argument',
      'learningRate NaN',
    );
    await expectError(
      fresh.optimStep({ learningRate: 1e-3, beta1: 1, ...clip }),
      'invalid_argument',
      'beta1 1',
    );
    await expectError(
      fresh.optimStep({ learningRate: 1e-3, beta2: -0.5, ...clip }),
      'invalid_argument',
      'beta2 -0.5',
    );
    await expectError(
      fresh.optimStep({ learningRate: 1e-3, epsilon: -1, ...clip }),
      'invalid_argument',
      'epsilon -1',
    );
    await expectError(
      fresh.optimStep({ learningRate: 1e-3, weightDecay: Infinity, ...clip }),
      'invalid_argument',
      'weightDecay Infinity',
    );
    await expectError(
      fresh.optimStep({ learningRate: 1e-3, gradClipNorm: 0 }),
      'invalid_argument',
      'gradClipNorm 0',
    );
    expect(fresh.accumulatedGradients(), 'rejected steps leave the gradients as they were').toEqual(grads);
    const result = await fresh.optimStep({ learningRate: 1e-3, ...clip });
    expect(result.step).toBe(1);
    expect(Math.abs(result.gradNorm - norm) / norm, 'the step reports the norm before clipping').toBeLessThan(
      1e-6,
    );
  });

  it('rejects checkpoints it cannot use and keeps its own state', async () => {
    const dir = await tempDir();
    const good = join(dir, 'good.safetensors');
    await backend.saveState(good);
    const original = Float32Array.from(model.parameters.get('embed.weight') as Float32Array);

    const wider = new LocalTrainingBackend({
      model: new LanguageModel({ config: { ...TINY, width: 32 }, threads: 1 }),
    });
    await expectError(wider.loadState(good), 'checkpoint_mismatch', 'width: checkpoint 16, model 32');

    const bytes = await readFile(good);
    const truncated = join(dir, 'truncated.safetensors');
    await writeFile(truncated, bytes.subarray(0, Math.floor(bytes.length / 2)));
    await expectError(backend.loadState(truncated), 'invalid_safetensors', 'invalid safetensors file');

    const corrupt = join(dir, 'corrupt.safetensors');
    const damaged = Buffer.from(bytes);
    damaged.write('#garbage#', 8, 'latin1'); // overwrites the start of the JSON header
    await writeFile(corrupt, damaged);
    await expectError(backend.loadState(corrupt), 'invalid_safetensors', 'header is not valid JSON');

    await expectError(
      backend.loadState(join(dir, 'missing.safetensors')),
      'checkpoint_not_found',
      'missing.safetensors',
    );

    // Damaged files of the right config, from a model with other weights: nothing of them may load.
    const other = join(dir, 'other.safetensors');
    await new LocalTrainingBackend({ model: tinyModel('GPT-2 style', 2) }).saveState(other);
    const { tensors, metadata } = readSafetensors(await readFile(other));
    const badRng = join(dir, 'bad-rng.safetensors');
    await writeFile(badRng, writeSafetensors(tensors, { ...metadata, rng: '{"algorithm":"mt19937"}' }));
    await expectError(backend.loadState(badRng), 'invalid_safetensors', 'metadata "rng"');
    tensors.delete('param/final_norm.bias');
    const partial = join(dir, 'partial.safetensors');
    await writeFile(partial, writeSafetensors(tensors, metadata));
    await expectError(backend.loadState(partial), 'invalid_safetensors', 'param/final_norm.bias');
    expect(model.parameters.get('embed.weight'), 'failed loads change no weight').toEqual(original);
  });
});
