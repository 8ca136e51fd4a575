import { afterAll, describe, expect, it } from 'vitest';
import { StatesetError } from '../errors.js';
import { LanguageModel } from './language-model.js';
import { sample, type SampleRequest, type SampledSequence, type SampledToken } from './sampler.js';
import { logSoftmaxRow } from './token-choice.js';

/** KV-cache decode against full recomputation, both float32 on ONNX Runtime. */
const SAMPLER_LOGPROB_TOLERANCE = 2e-5;

const TINY = { vocabSize: 40, width: 16, layers: 2, heads: 4, mlpWidth: 32, contextLength: 32, initStd: 0.5 };
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
const PROMPTS = [
  [1, 2, 3],
  [4, 5],
  [6, 7, 8, 9, 10, 11],
];

const models = new Map<string, LanguageModel>();
afterAll(async () => {
  await Promise.all([...models.values()].map((m) => m.dispose()));
});

function tinyModel(variant: keyof typeof VARIANTS = 'Llama style'): LanguageModel {
  let model = models.get(variant);
  if (model === undefined)
    models.set(
      variant,
      (model = new LanguageModel({ config: { ...TINY, ...VARIANTS[variant] }, seed: 2, threads: 1 })),
    );
  return model;
}

/** The next-token log-distribution after `prefix`, by scoring every possible next token with `model.logprobs`. */
async function nextTokenLogprobs(model: LanguageModel, prefix: readonly number[]): Promise<Float64Array> {
  const rows = await model.logprobs(Array.from({ length: model.config.vocabSize }, (_, v) => [...prefix, v]));
  return Float64Array.from(rows, (row) => row[row.length - 1]);
}

/** Greedy decoding the slow way: full recomputation at every step, argmax with the lowest id on ties. */
async function greedyByRecompute(
  model: LanguageModel,
  prompt: readonly number[],
  steps: number,
): Promise<{ tokens: number[]; logprobs: number[] }> {
  const tokens: number[] = [];
  const logprobs: number[] = [];
  for (let n = 0; n < steps; n++) {
    const row = await nextTokenLogprobs(model, [...prompt, ...tokens]);
    let best = 0;
    row.forEach((lp, v) => (best = lp > row[best] ? v : best));
    tokens.push(best);
    logprobs.push(row[best]);
  }
  return { tokens, logprobs };
}

function expectSameRow(
  actual: SampledSequence,
  expected: { tokens: readonly number[]; logprobs: readonly number[] },
  context: string,
): void {
  expect(actual.tokens, context).toEqual(expected.tokens);
  actual.logprobs.forEach((lp, n) =>
    expect(Math.abs(lp - expected.logprobs[n]), `${context} token ${n}`).toBeLessThan(
      SAMPLER_LOGPROB_TOLERANCE,
    ),
  );
}

/** Awaits `run`, expecting a StatesetError with `code` whose message contains every fragment. */
async function expectError(run: () => Promise<unknown>, code: string, ...fragments: string[]): Promise<void> {
  const error = await run().then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error, `expected ${code}`).toBeInstanceOf(StatesetError);
  expect((error as StatesetError).code).toBe(code);
  for (const fragment of fragments) expect((error as StatesetError).message).toContain(fragment);
}

describe('sample: greedy decoding with the KV cache', () => {
  for (const variant of Object.keys(VARIANTS) as (keyof typeof VARIANTS)[]) {
    it(`${variant}: equals step-by-step argmax over full recomputation, with the same logprobs`, async () => {
      const model = tinyModel(variant);
      const out = await sample(model, { prompts: PROMPTS, params: { maxNewTokens: 8, temperature: 0 } });
      expect(out).toHaveLength(PROMPTS.length);
      for (const [b, prompt] of PROMPTS.entries()) {
        expectSameRow(out[b], await greedyByRecompute(model, prompt, 8), `row ${b}`);
        expect(out[b].finishReason).toBe('length');
      }
    });
  }

  it('prompts of different lengths give the same rows batched as alone', async () => {
    const model = tinyModel();
    const batched = await sample(model, { prompts: PROMPTS, params: { maxNewTokens: 6, temperature: 0 } });
    for (const [b, prompt] of PROMPTS.entries()) {
      const [alone] = await sample(model, { prompts: [prompt], params: { maxNewTokens: 6, temperature: 0 } });
      expectSameRow(batched[b], alone, `row ${b}`);
    }
  });

  it('top-k = 1 and a tiny top-p pick the greedy tokens, reporting logprobs of the untruncated distribution', async () => {
    const model = tinyModel();
    const params = { maxNewTokens: 6, seed: 3 };
    const greedy = await sample(model, { prompts: PROMPTS, params: { ...params, temperature: 0 } });
    expect(await sample(model, { prompts: PROMPTS, params: { ...params, topK: 1 } })).toEqual(greedy);
    const nucleus = await sample(model, { prompts: PROMPTS, params: { ...params, topP: 1e-6 } });
    nucleus.forEach((row, b) => expectSameRow(row, greedy[b], `row ${b}`));

    // At temperature 2 the logprob is that of softmax(logits / 2), not of the truncated distribution.
    const [hot] = await sample(model, {
      prompts: [PROMPTS[0]],
      params: { ...params, topK: 1, temperature: 2 },
    });
    expect(hot.tokens).toEqual(greedy[0].tokens);
    const first = logSoftmaxRow(await nextTokenLogprobs(model, PROMPTS[0]), 2)[hot.tokens[0]];
    expect(Math.abs(hot.logprobs[0] - first)).toBeLessThan(SAMPLER_LOGPROB_TOLERANCE);
    expect(hot.logprobs[0]).toBeLessThan(greedy[0].logprobs[0]);
  });
});

describe('sample: seeded sampling', () => {
  it('the same seed reproduces every row; another seed draws differently', async () => {
    const model = tinyModel();
    const request = (seed: number): SampleRequest => ({
      prompts: PROMPTS,
      params: { maxNewTokens: 10, seed },
    });
    const first = await sample(model, request(11));
    expect(await sample(model, request(11))).toEqual(first);
    const other = await sample(model, request(12));
    expect(other.map((r) => r.tokens)).not.toEqual(first.map((r) => r.tokens));
    first.forEach((row) => {
      expect(row.tokens).toHaveLength(10);
      expect(row.finishReason).toBe('length');
      row.logprobs.forEach((lp) => expect(lp).toBeLessThanOrEqual(0));
    });
  });

  it('each row draws from its own stream: other rows do not change it, and a repeated prompt gets different draws', async () => {
    const model = tinyModel();
    const params = { maxNewTokens: 10, seed: 5 };
    const a = await sample(model, { prompts: [PROMPTS[0], PROMPTS[2]], params });
    const b = await sample(model, { prompts: [PROMPTS[1], PROMPTS[2]], params });
    expect(b[1].tokens).toEqual(a[1].tokens);
    b[1].logprobs.forEach((lp, n) =>
      expect(Math.abs(lp - a[1].logprobs[n])).toBeLessThan(SAMPLER_LOGPROB_TOLERANCE),
    );
    const group = await sample(model, { prompts: [PROMPTS[0], PROMPTS[0]], params });
    expect(group[1].tokens).not.toEqual(group[0].tokens);
  });
});

describe('sample: stopping', () => {
  it('a stop token id ends its row with finishReason "stop" and keeps the token; other rows run to the length', async () => {
    const model = tinyModel();
    const greedy = await sample(model, { prompts: PROMPTS, params: { maxNewTokens: 8, temperature: 0 } });
    const stop = greedy[0].tokens[2];
    const out = await sample(model, {
      prompts: PROMPTS,
      params: { maxNewTokens: 8, temperature: 0, stopTokenIds: [stop] },
    });
    let stopped = 0;
    out.forEach((row, b) => {
      const at = greedy[b].tokens.indexOf(stop);
      if (at < 0) {
        expect(row).toEqual(greedy[b]);
        return;
      }
      stopped++;
      expect(row.finishReason).toBe('stop');
      expect(row.tokens).toEqual(greedy[b].tokens.slice(0, at + 1));
      expect(row.tokens[row.tokens.length - 1]).toBe(stop);
      expect(row.logprobs).toEqual(greedy[b].logprobs.slice(0, at + 1));
    });
    expect(stopped).toBeGreaterThanOrEqual(1);
    expect(stopped, 'at least one row never meets the stop token').toBeLessThan(PROMPTS.length);
  });

  it('a stop string ends a row once its decoded text contains it', async () => {
    const model = tinyModel();
    const alphabet = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMN';
    const decode = (tokens: readonly number[]) => tokens.map((t) => alphabet[t]).join('');
    const [greedy] = await sample(model, {
      prompts: [PROMPTS[0]],
      params: { maxNewTokens: 8, temperature: 0 },
    });
    const stopString = decode(greedy.tokens.slice(3, 5));
    const expectedLength =
      greedy.tokens.findIndex((_, n) => decode(greedy.tokens.slice(0, n + 1)).includes(stopString)) + 1;
    const [row] = await sample(model, {
      prompts: [PROMPTS[0]],
      params: { maxNewTokens: 8, temperature: 0, stopStrings: ['never here', stopString] },
      decode,
    });
    expect(row.finishReason).toBe('stop');
    expect(row.tokens).toEqual(greedy.tokens.slice(0, expectedLength));
    expect(decode(row.tokens).endsWith(stopString)).toBe(true);
    const [unmatched] = await sample(model, {
      prompts: [PROMPTS[0]],
      params: { maxNewTokens: 8, temperature: 0, stopStrings: ['never here'] },
      decode,
    });
    expect(unmatched).toEqual(greedy);
  });

  it('onToken sees every token as it is chosen, and "stop" ends only its row, keeping the token', async () => {
    const model = tinyModel();
    const params = { maxNewTokens: 6, temperature: 1, seed: 4 };
    const plain = await sample(model, { prompts: PROMPTS, params });
    const seen: SampledToken[] = [];
    const observed = await sample(model, {
      prompts: PROMPTS,
      params,
      onToken: (event) => void seen.push(event),
    });
    expect(observed).toEqual(plain);
    PROMPTS.forEach((_, b) => {
      const mine = seen.filter((event) => event.row === b);
      expect(mine.map((event) => event.token)).toEqual(plain[b].tokens);
      expect(mine.map((event) => event.logprob)).toEqual(plain[b].logprobs);
    });
    // Row 1 stops after its second token; the others run on as before.
    let rowOne = 0;
    const stopped = await sample(model, {
      prompts: PROMPTS,
      params,
      onToken: ({ row }) => (row === 1 && ++rowOne === 2 ? 'stop' : undefined),
    });
    expect(stopped[1]).toEqual({
      tokens: plain[1].tokens.slice(0, 2),
      logprobs: plain[1].logprobs.slice(0, 2),
      finishReason: 'stop',
    });
    expect([stopped[0], stopped[2]]).toEqual([plain[0], plain[2]]);
  });

  it('maxNewTokens bounds every row, down to a single token from the prefill', async () => {
    const model = tinyModel();
    const one = await sample(model, { prompts: PROMPTS, params: { maxNewTokens: 1, seed: 1 } });
    one.forEach((row) => {
      expect(row.tokens).toHaveLength(1);
      expect(row.finishReason).toBe('length');
    });
    // The longest request the context allows: prompt + new tokens = contextLength.
    const [full] = await sample(model, {
      prompts: [PROMPTS[2]],
      params: { maxNewTokens: TINY.contextLength - PROMPTS[2].length, seed: 1 },
    });
    expect(full.tokens).toHaveLength(TINY.contextLength - PROMPTS[2].length);
  });

  it('a row that fills the context beside a row with more to go: both sample as they would alone', async () => {
    const model = tinyModel();
    const long = Array.from({ length: TINY.contextLength - 2 }, (_, i) => 1 + (i % 30));
    const rows = [
      { seed: 3, maxNewTokens: 2 }, // ends exactly at the context length
      { seed: 4, maxNewTokens: 12 },
    ];
    const batched = await sample(model, { prompts: [long, PROMPTS[1]], params: { maxNewTokens: 12 }, rows });
    const alone = await Promise.all(
      [long, PROMPTS[1]].map(async (prompt, b) => {
        const params = { maxNewTokens: rows[b].maxNewTokens, seed: rows[b].seed };
        return (await sample(model, { prompts: [prompt], params }))[0];
      }),
    );
    expect(batched[0].tokens).toHaveLength(2);
    expect(batched[1].tokens).toHaveLength(12);
    batched.forEach((row, b) => expectSameRow(row, alone[b], `row ${b}`));
  });
});

describe('sample: a vocabulary padded beyond the tokenizer', () => {
  it('samples only ids below samplableVocabSize; a model without it samples the padding too', async () => {
    const config = { ...TINY, ...VARIANTS['Llama style'] };
    const limited = new LanguageModel({ config, seed: 2, threads: 1, samplableVocabSize: 5 });
    const whole = new LanguageModel({ config, seed: 2, threads: 1 });
    try {
      const request: SampleRequest = {
        prompts: PROMPTS,
        params: { maxNewTokens: 12, temperature: 1, seed: 4 },
      };
      const tokens = (await sample(limited, request)).flatMap((row) => row.tokens);
      expect(tokens.length).toBe(36);
      expect(Math.max(...tokens)).toBeLessThan(5);
      expect(Math.max(...(await sample(whole, request)).flatMap((row) => row.tokens))).toBeGreaterThanOrEqual(
        5,
      );
    } finally {
      await Promise.all([limited.dispose(), whole.dispose()]);
    }
    expect(() => new LanguageModel({ config, seed: 2, samplableVocabSize: config.vocabSize + 1 })).toThrow(
      /samplableVocabSize/,
    );
  });
});

describe('sample: validation', () => {
  it('an empty batch samples nothing', async () => {
    expect(await sample(tinyModel(), { prompts: [], params: { maxNewTokens: 3 } })).toEqual([]);
  });

  it('rejects invalid requests, naming the problem', async () => {
    const model = tinyModel();
    const run = (request: Partial<SampleRequest> & { params: SampleRequest['params'] }) =>
      sample(model, { prompts: PROMPTS, ...request });
    await expectError(
      () => run({ prompts: [[1], []], params: { maxNewTokens: 3 } }),
      'invalid_argument',
      'prompt 1 is empty',
    );
    await expectError(
      () => run({ prompts: [[1, 40]], params: { maxNewTokens: 3 } }),
      'token_out_of_range',
      'prompt 0',
      'token id 40',
    );
    await expectError(
      () => run({ params: { maxNewTokens: 3, stopTokenIds: [-1] } }),
      'token_out_of_range',
      'stopTokenIds',
    );
    await expectError(
      () => run({ params: { maxNewTokens: 0 } }),
      'invalid_argument',
      'maxNewTokens must be a positive integer, got 0',
    );
    await expectError(
      () => run({ params: { maxNewTokens: 2.5 } }),
      'invalid_argument',
      'maxNewTokens must be a positive integer, got 2.5',
    );
    await expectError(
      () => run({ params: { maxNewTokens: 3, temperature: -1 } }),
      'invalid_argument',
      'temperature must be >= 0, got -1',
    );
    await expectError(
      () => run({ params: { maxNewTokens: 3, temperature: Number.NaN } }),
      'invalid_argument',
      'temperature',
    );
    await expectError(
      () => run({ params: { maxNewTokens: 3, topK: -1 } }),
      'invalid_argument',
      'topK must be a non-negative integer, got -1',
    );
    await expectError(() => run({ params: { maxNewTokens: 3, topK: 1.5 } }), 'invalid_argument', 'topK');
    await expectError(
      () => run({ params: { maxNewTokens: 3, topP: 0 } }),
      'invalid_argument',
      'topP must be in (0, 1], got 0',
    );
    await expectError(
      () => run({ params: { maxNewTokens: 3, topP: 1.5 } }),
      'invalid_argument',
      'topP must be in (0, 1], got 1.5',
    );
    await expectError(
      () => run({ params: { maxNewTokens: 3, stopStrings: ['x'] } }),
      'invalid_argument',
      'stopStrings need a decode function',
    );
    await expectError(
      () =>
        run({
          prompts: [PROMPTS[0], PROMPTS[2]],
          params: { maxNewTokens: TINY.contextLength - PROMPTS[2].length + 1 },
        }),
      'sequence_too_long',
      'prompt 1 has 6 tokens',
      'maxNewTokens 27',
      'context 32',
    );
  });
});
