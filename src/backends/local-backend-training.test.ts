// The local backend end to end: training lowers the loss, checkpoints resume exactly, bad input is refused.

import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { StatesetError } from '../errors.js';
import { Rng } from '../engine/random.js';
import { readSafetensors, writeSafetensors } from '../engine/safetensors.js';
import { LanguageModel } from '../models/language-model.js';
import { parameterSpecs } from '../models/transformer-params.js';
import { LocalTrainingBackend } from './local-backend.js';
import { type Datum, type LossFnConfig, type LossFnName } from './training-backend.js';

import { TINY, sequences, tempDir, tinyModel } from './test-support/tiny-backend.js';

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

  it('with a KL coefficient, needs reference logprobs and reports the mean k3 estimate', async () => {
    await expectError(
      backend.forwardBackward([datum(rl)], 'ppo', { klCoefficient: 0.1 }),
      'invalid_argument',
      'datum 0',
      'the KL penalty needs lossFnInputs.refLogprobs',
    );
    await expectError(
      backend.forwardBackward([datum(rl)], 'ppo', { klCoefficient: -1 }),
      'invalid_argument',
      'klCoefficient must be >= 0',
    );
    const fresh = new LocalTrainingBackend({ model: tinyModel('GPT-2 style', 1) });
    const tokens = [1, 2, 3, 4];
    const [own] = await fresh.computeLogprobs([tokens]);
    const withRef = (ref: number[]) =>
      fresh.forwardBackward(
        [
          {
            modelInput: tokens.slice(0, 3),
            lossFnInputs: { targetTokens: tokens.slice(1), ...rl, refLogprobs: ref },
          },
        ],
        'ppo',
        { klCoefficient: 0.1 },
      );
    const same = await withRef(own);
    expect(Math.abs(same.metrics['kl:mean'])).toBeLessThan(1e-6); // the policy is its own reference
    const shifted = await withRef(own.map((lp) => lp - 0.5));
    expect(shifted.metrics['kl:mean']).toBeCloseTo(Math.exp(-0.5) + 0.5 - 1, 5);
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
