// The batching sampler merges concurrent single-prompt requests into one batch without changing what
// each request draws, honours each request's own token limit, and isolates a bad request.

import { describe, expect, it } from 'vitest';
import { StatesetError } from '../errors.js';
import { LanguageModel } from './language-model.js';
import { sample } from './sampler.js';

/** Batched and single runs differ only by float32 rounding of the matrix products. */
const LOGPROB_TOLERANCE = 1e-4;

const config = {
  vocabSize: 30,
  contextLength: 48,
  width: 16,
  layers: 1,
  heads: 2,
  mlpWidth: 32,
  initStd: 0.5,
};
const prompts = [[1, 2, 3], [4, 5], [6, 7, 8, 9, 10], [11]];

function countingModel(): { model: LanguageModel; prefills: () => number } {
  const model = new LanguageModel({ config, seed: 3, threads: 1 });
  let prefills = 0;
  const graph = model.graph.bind(model);
  model.graph = (kind) => {
    if (kind === 'prefill') prefills++;
    return graph(kind);
  };
  return { model, prefills: () => prefills };
}

describe('BatchingSampler', () => {
  it('serves concurrent requests with one prefill, each drawing what it would draw alone', async () => {
    const { model, prefills } = countingModel();
    const params = (i: number) => ({ maxNewTokens: 6, temperature: 1, seed: 100 + i });
    const batched = await Promise.all(prompts.map((p, i) => model.batchingSampler.sample(p, params(i))));
    expect(prefills()).toBe(1);
    for (const [i, p] of prompts.entries()) {
      const [alone] = await sample(model, { prompts: [p], params: params(i) });
      expect(batched[i].tokens).toEqual(alone.tokens);
      batched[i].logprobs.forEach((lp, t) =>
        expect(Math.abs(lp - alone.logprobs[t])).toBeLessThan(LOGPROB_TOLERANCE),
      );
    }
    await model.dispose();
  });

  it('stops each row at its own maxNewTokens and batches only matching settings', async () => {
    const { model, prefills } = countingModel();
    const results = await Promise.all([
      model.batchingSampler.sample([1, 2], { maxNewTokens: 2, temperature: 0 }),
      model.batchingSampler.sample([3, 4], { maxNewTokens: 7, temperature: 0 }),
      model.batchingSampler.sample([5, 6], { maxNewTokens: 3, temperature: 0.5, seed: 1 }),
    ]);
    expect(results.map((r) => r.tokens.length)).toEqual([2, 7, 3]);
    expect(results.map((r) => r.finishReason)).toEqual(['length', 'length', 'length']);
    expect(prefills()).toBe(2); // the temperature-0.5 request runs in its own batch
    await model.dispose();
  });

  it("passes each request's tokens to its own hook as row 0, and a hook's stop ends only its request", async () => {
    const { model, prefills } = countingModel();
    const params = (i: number) => ({ maxNewTokens: 5, temperature: 1, seed: 7 + i });
    const plain = await Promise.all(prompts.map((p, i) => model.batchingSampler.sample(p, params(i))));
    const seen: number[][] = prompts.map(() => []);
    const observed = await Promise.all(
      prompts.map((p, i) =>
        model.batchingSampler.sample(p, params(i), undefined, ({ row, token }) => {
          expect(row).toBe(0);
          seen[i].push(token);
          return i === 2 && seen[i].length === 1 ? 'stop' : undefined;
        }),
      ),
    );
    expect(prefills()).toBe(2); // one batch each time
    observed.forEach((result, i) => {
      expect(seen[i]).toEqual(result.tokens);
      if (i === 2) {
        expect(result.tokens).toEqual(plain[2].tokens.slice(0, 1));
        expect(result.finishReason).toBe('stop');
      } else expect(result.tokens).toEqual(plain[i].tokens);
    });
    await model.dispose();
  });

  it('fails only the bad request of a batch', async () => {
    const model = new LanguageModel({ config, seed: 3, threads: 1 });
    const good = model.batchingSampler.sample([1, 2], { maxNewTokens: 3, temperature: 0 });
    const bad = model.batchingSampler.sample([1, 99], { maxNewTokens: 3, temperature: 0 }).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    await expect(good).resolves.toMatchObject({ finishReason: 'length' });
    const error = await bad;
    expect(error).toBeInstanceOf(StatesetError);
    expect((error as StatesetError).code).toBe('token_out_of_range');
    await model.dispose();
  });
});
