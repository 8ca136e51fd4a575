import { describe, expect, it } from 'vitest';
import { LocalTrainingBackend } from '../backends/local-backend.js';
import { LanguageModel } from '../models/language-model.js';
import { datumLogprobs, datumSequence, withOldLogprobs } from './datum-logprobs.js';
import { buildPolicyDatums } from './policy-datums.js';
import { updatePolicy } from './policy-update.js';
import { tokenTrajectory } from './test-support/token-trajectory.js';

const TINY = { vocabSize: 40, contextLength: 32, width: 16, layers: 1, heads: 2, mlpWidth: 32 };

const trajectories = [
  tokenTrajectory({ id: 'a', turns: [{ prompt: [1, 2, 3], completion: [4, 5], logprobs: [0, 0] }] }),
  tokenTrajectory({ id: 'b', turns: [{ prompt: [1, 2], completion: [6, 7, 8], logprobs: [0, 0, 0] }] }),
];

/** Datums whose old logprobs are the model's own, so the first epoch's ratio is exactly 1. */
async function onPolicyDatums(backend: LocalTrainingBackend) {
  const datums = buildPolicyDatums({ trajectories, advantages: [1, -1], normalisation: 'dapo' });
  return withOldLogprobs(datums, await datumLogprobs({ scorer: backend, datums, chunkSize: 1 }));
}

describe('datum logprobs', () => {
  it('rebuilds the full token stream of a datum and scores its targets', async () => {
    const model = new LanguageModel({ config: TINY, seed: 2, threads: 1 });
    const [datum] = buildPolicyDatums({ trajectories, advantages: [1, -1], normalisation: 'dapo' });
    expect(datumSequence(datum)).toEqual([1, 2, 3, 4, 5]);
    const [logprobs] = await datumLogprobs({
      scorer: { computeLogprobs: (s) => model.logprobs(s) },
      datums: [datum],
      chunkSize: 0,
    });
    expect(logprobs).toEqual((await model.logprobs([[1, 2, 3, 4, 5]]))[0]);
    // replaced on policy positions only (targets 4 and 5), 0 on the prompt
    const [old] = withOldLogprobs([datum], [logprobs]);
    expect(old.lossFnInputs.logprobs).toEqual([0, 0, logprobs[2], logprobs[3]]);
    await model.dispose();
  });
});

describe('updatePolicy', () => {
  it('takes one optimiser step per epoch over all micro-batches, and later epochs see the drift', async () => {
    const backend = new LocalTrainingBackend({
      model: new LanguageModel({ config: TINY, seed: 2, threads: 1 }),
    });
    const datums = await onPolicyDatums(backend);
    const result = await updatePolicy({
      backend,
      datums,
      lossFn: 'ppo',
      lossFnConfig: { clipLowThreshold: 0.8, clipHighThreshold: 1.2 },
      adam: { learningRate: 0.05 },
      epochs: 3,
      microBatchSize: 1,
    });
    expect(backend.stepCount).toBe(3);
    expect(result.firstEpochLogprobs).toHaveLength(2);
    expect(result.tokens).toBe(3 * (4 + 4));
    expect(result.ratioMean).not.toBe(1);
    expect(result.clipFraction).toBeGreaterThanOrEqual(0);
    expect(result.clipFraction).toBeLessThanOrEqual(1);
    expect(result.gradNorm).toBeGreaterThan(0);
    await backend.model.dispose();
  });

  it('gives the same first-epoch loss whether the batch is split into micro-batches or not', async () => {
    const losses: number[] = [];
    for (const microBatchSize of [0, 1]) {
      const backend = new LocalTrainingBackend({
        model: new LanguageModel({ config: TINY, seed: 2, threads: 1 }),
      });
      const result = await updatePolicy({
        backend,
        datums: await onPolicyDatums(backend),
        lossFn: 'importance_sampling',
        lossFnConfig: {},
        adam: { learningRate: 0.01 },
        epochs: 1,
        microBatchSize,
      });
      losses.push(result.loss);
      expect(result.ratioMean).toBeCloseTo(1, 6);
      await backend.model.dispose();
    }
    expect(losses[1]).toBeCloseTo(losses[0], 6);
  });
});
