// On-policy updates of the local backend: the ratio losses read the run's own logprobs, detached, as
// the old ones, with the same loss and gradients as when those logprobs are fed.

import { describe, expect, it } from 'vitest';
import { Rng } from '../engine/random.js';
import { LocalTrainingBackend } from './local-backend.js';
import type { Datum, LossFnConfig } from './training-backend.js';

import { sequences, tinyModel } from './test-support/tiny-backend.js';

describe('LocalTrainingBackend on-policy updates', () => {
  // Two sequences with mixed advantages and a KL penalty: the loss and gradients of an on-policy call
  // equal those of the same call fed the policy's own logprobs; stale logprobs give other gradients.
  const rng = new Rng(5);
  const seqs = sequences(rng, [7, 11]);
  // Per-token advantages whose sequence means differ in sign (gspo reads the mean).
  const datumOf = (seq: number[], extra: Partial<Datum['lossFnInputs']>, shift = 0.5): Datum => ({
    modelInput: seq.slice(0, -1),
    lossFnInputs: {
      targetTokens: seq.slice(1),
      weights: seq.slice(1).map((_, t) => (t < 2 ? 0 : 0.1)),
      advantages: seq.slice(1).map((_, t) => (t % 3) - 1 + shift),
      ...extra,
    },
  });

  for (const lossFn of ['ppo', 'importance_sampling', 'cispo', 'dro', 'gspo'] as const) {
    it(`${lossFn}: the policy's own detached logprobs stand in for the old ones, without being fed`, async () => {
      const backend = new LocalTrainingBackend({ model: tinyModel('Llama style', 3) });
      const own = await backend.computeLogprobs(seqs);
      const refLogprobs = own.map((lps) => lps.map((lp) => lp - 0.3));
      const config: LossFnConfig = { klCoefficient: 0.1, clipLowThreshold: 0.8, clipHighThreshold: 1.28 };
      const run = async (extra: (b: number) => Partial<Datum['lossFnInputs']>, onPolicy: boolean) => {
        const datums = seqs.map((seq, b) =>
          datumOf(seq, { refLogprobs: refLogprobs[b], ...extra(b) }, b === 0 ? 0.5 : -0.7),
        );
        const result = await backend.forwardBackward(datums, lossFn, { ...config, onPolicy });
        const grads = backend.accumulatedGradients();
        await backend.optimStep({ learningRate: 0 }); // clears the gradients, leaves the weights
        return { result, grads };
      };
      const fed = await run((b) => ({ logprobs: own[b] }), false);
      const onPolicy = await run(() => ({}), true);
      const stale = await run((b) => ({ logprobs: own[b].map((lp) => lp - 0.5) }), false);
      expect(onPolicy.result.metrics['loss:sum']).toBeCloseTo(fed.result.metrics['loss:sum'], 5);
      expect(onPolicy.result.metrics['ratio:mean'] ?? 1).toBe(1);
      const gap = (a: Map<string, Float32Array>, b: Map<string, Float32Array>) =>
        Math.max(...[...a].flatMap(([name, g]) => [...g].map((v, i) => Math.abs(v - b.get(name)![i]))));
      const scale = Math.max(...[...fed.grads.values()].flatMap((g) => [...g].map(Math.abs)));
      expect(scale).toBeGreaterThan(1e-4);
      expect(gap(onPolicy.grads, fed.grads)).toBeLessThan(1e-4 * scale);
      if (lossFn !== 'cispo') expect(gap(stale.grads, fed.grads)).toBeGreaterThan(1e-2 * scale);
    });
  }

  it('ignores fed logprobs when on-policy, and still needs them otherwise', async () => {
    const backend = new LocalTrainingBackend({ model: tinyModel('GPT-2 style', 1) });
    const [seq] = seqs;
    const fed = await backend.forwardBackward(
      [datumOf(seq, { logprobs: seq.slice(1).map(() => -9) })],
      'ppo',
      { onPolicy: true },
    );
    await backend.optimStep({ learningRate: 0 });
    const bare = await backend.forwardBackward([datumOf(seq, {})], 'ppo', { onPolicy: true });
    await backend.optimStep({ learningRate: 0 });
    expect(fed.metrics['loss:sum']).toBe(bare.metrics['loss:sum']);
    expect(fed.metrics['clipped:fraction']).toBe(0);
    await expect(backend.forwardBackward([datumOf(seq, {})], 'ppo')).rejects.toThrow(
      /datum 0: loss "ppo" needs lossFnInputs.logprobs/,
    );
  });
});
