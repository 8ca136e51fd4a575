import { afterAll, describe, expect, it } from 'vitest';
import { StatesetError } from '../errors.js';
import { Rng } from '../engine/random.js';
import { runReference } from '../engine/reference-executor.js';
import { LanguageModel, packSequences } from './language-model.js';
import { buildLogprobGraph } from './lm-graphs.js';
import { initParameters } from './transformer-params.js';

/** ONNX Runtime (float32) logprobs against the float64 reference executor (observed ~2e-6). */
const ORT_LOGPROB_TOLERANCE = 2e-5;

/** The same float32 computation in a different batch shape (padding, batch size). */
const BATCH_LOGPROB_TOLERANCE = 1e-5;

const TINY = { vocabSize: 40, width: 16, layers: 2, heads: 4, mlpWidth: 32, contextLength: 32, initStd: 0.3 };
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

const models: LanguageModel[] = [];
afterAll(async () => {
  await Promise.all(models.map((m) => m.dispose()));
});

function tinyModel(variant: keyof typeof VARIANTS, seed = 1): LanguageModel {
  const model = new LanguageModel({ config: { ...TINY, ...VARIANTS[variant] }, seed, threads: 1 });
  models.push(model);
  return model;
}

function randomSequences(lengths: readonly number[], seed: number): number[][] {
  const rng = new Rng(seed);
  return lengths.map((n) => Array.from({ length: n }, () => rng.int(TINY.vocabSize)));
}

/** Expects `run` to throw a StatesetError with `code` whose message contains every fragment. */
async function expectError(run: () => unknown, code: string, ...fragments: string[]): Promise<void> {
  let error: unknown;
  try {
    await run();
  } catch (caught) {
    error = caught;
  }
  expect(error, `expected ${code}`).toBeInstanceOf(StatesetError);
  expect((error as StatesetError).code).toBe(code);
  for (const fragment of fragments) expect((error as StatesetError).message).toContain(fragment);
}

describe('LanguageModel.logprobs', () => {
  for (const variant of Object.keys(VARIANTS) as (keyof typeof VARIANTS)[]) {
    it(`${variant}: ONNX Runtime logprobs equal the float64 reference, up to the full context`, async () => {
      const model = tinyModel(variant);
      const seqs = randomSequences([TINY.contextLength + 1, 6, 2], 3);
      const actual = await model.logprobs(seqs);
      expect(actual.map((row) => row.length)).toEqual([TINY.contextLength, 5, 1]);

      const built = buildLogprobGraph(model.config);
      built.graph.output('logprobs', built.logprobs);
      for (const [b, seq] of seqs.entries()) {
        const reference = runReference(built.graph, {
          ...model.parameterFeeds(),
          ...packSequences(model, [seq]).feeds,
        }).logprobs.data;
        actual[b].forEach((lp, t) => {
          expect(lp).toBeLessThan(0);
          expect(Math.abs(lp - reference[t]), `sequence ${b} position ${t}`).toBeLessThan(
            ORT_LOGPROB_TOLERANCE,
          );
        });
      }
    });

    it(`${variant}: a sequence scores the same alone and right-padded in a batch`, async () => {
      const model = tinyModel(variant);
      const seqs = randomSequences([4, 12, 7], 4);
      const batched = await model.logprobs(seqs);
      for (const [b, seq] of seqs.entries()) {
        const [alone] = await model.logprobs([seq]);
        alone.forEach((lp, t) => expect(Math.abs(lp - batched[b][t])).toBeLessThan(BATCH_LOGPROB_TOLERANCE));
      }
    });
  }

  it('the next-token distribution sums to one over the vocabulary', async () => {
    const model = tinyModel('Llama style');
    const prefix = [5, 9, 2];
    const rows = await model.logprobs(Array.from({ length: TINY.vocabSize }, (_, v) => [...prefix, v]));
    const total = rows.reduce((sum, row) => sum + Math.exp(row[row.length - 1]), 0);
    expect(Math.abs(total - 1)).toBeLessThan(TINY.vocabSize * BATCH_LOGPROB_TOLERANCE);
  });

  it('reads parameters in place, so an optimiser update shows in the next call', async () => {
    const model = tinyModel('GPT-2 style');
    const seq = [1, 2, 3, 4];
    const [before] = await model.logprobs([seq]);
    (model.parameters.get('final_norm.weight') as Float32Array).fill(3);
    const [after] = await model.logprobs([seq]);
    expect(Math.abs(after[2] - before[2])).toBeGreaterThan(1e-3);
  });

  it('rejects sequences it cannot score, naming the sequence', async () => {
    const model = tinyModel('GPT-2 style');
    expect(await model.logprobs([])).toEqual([]);
    await expectError(
      () => model.logprobs([[1, 2], [3]]),
      'invalid_argument',
      'sequence 1 needs at least two tokens, got 1',
    );
    await expectError(
      () => model.logprobs([Array.from({ length: 34 }, () => 1)]),
      'sequence_too_long',
      'sequence 0 has 33 positions',
      'context is 32',
    );
    await expectError(
      () => model.logprobs([[1, 2, 40]]),
      'token_out_of_range',
      'sequence 0',
      'token id 40 at position 2',
      '[0, 40)',
    );
    await expectError(
      () =>
        model.logprobs([
          [1, 2],
          [-1, 2],
        ]),
      'token_out_of_range',
      'sequence 1',
      'token id -1 at position 0',
    );
    await expectError(() => model.logprobs([[1, 2.5]]), 'token_out_of_range', 'token id 2.5');
  });
});

describe('LanguageModel construction', () => {
  const config = { ...TINY, ...VARIANTS['Llama style'] };

  it('the same seed gives the same weights; given parameters are used as they are', async () => {
    const a = tinyModel('Llama style', 5);
    const b = new LanguageModel({ config, parameters: initParameters(a.config, 5), threads: 1 });
    models.push(b);
    const other = tinyModel('Llama style', 6);
    const seq = [[3, 1, 4, 1, 5]];
    expect(await b.logprobs(seq)).toEqual(await a.logprobs(seq));
    expect(await other.logprobs(seq)).not.toEqual(await a.logprobs(seq));
  });

  it('rejects parameters that do not fit the config as checkpoint_mismatch', async () => {
    const resolved = tinyModel('Llama style').config;
    const missing = initParameters(resolved, 1);
    missing.delete('lm_head.weight');
    await expectError(
      () => new LanguageModel({ config, parameters: missing }),
      'checkpoint_mismatch',
      '"lm_head.weight" is missing',
    );
    const wrongSize = initParameters(resolved, 1);
    wrongSize.set('final_norm.weight', new Float32Array(15));
    await expectError(
      () => new LanguageModel({ config, parameters: wrongSize }),
      'checkpoint_mismatch',
      '"final_norm.weight" has 15 values',
      '[16] = 16',
    );
    const extra = initParameters(resolved, 1);
    extra.set('pos_embed.weight', new Float32Array(32 * 16));
    await expectError(
      () => new LanguageModel({ config, parameters: extra }),
      'checkpoint_mismatch',
      'unexpected parameter "pos_embed.weight"',
    );
  });

  it('rejects invalid configs as invalid_model_config naming the field', async () => {
    await expectError(
      () => new LanguageModel({ config: { ...TINY, width: 18 } }),
      'invalid_model_config',
      'width 18 is not divisible by heads 4',
    );
    await expectError(
      () => new LanguageModel({ config: { ...TINY, kvHeads: 3 } }),
      'invalid_model_config',
      'heads 4 is not divisible by kvHeads 3',
    );
    await expectError(
      () => new LanguageModel({ config: { ...TINY, width: 12, heads: 4, positions: 'rotary' } }),
      'invalid_model_config',
      'even head size, got 3',
    );
    await expectError(
      () => new LanguageModel({ config: { ...TINY, layer: 2 } }),
      'invalid_model_config',
      'layer',
    );
    await expectError(
      () => new LanguageModel({ config: { ...TINY, vocabSize: 0 } }),
      'invalid_model_config',
      'vocabSize',
    );
  });
});
