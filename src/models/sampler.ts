// Batched sampling with a key/value cache: one prefill over the (right-padded) prompts, then one
// decode step per new token for the whole batch. Returns tokens and the logprob of each.
// Legend: B batch, T longest prompt, S cache slots (T + max new tokens), K kv heads, D head size, V vocab.

import { ModelError } from '../errors.js';
import { MASK_VALUE } from '../engine/ir.js';
import { Rng } from '../engine/random.js';
import { floatTensor, int64Tensor, type Tensor } from '../engine/tensor.js';
import type { LanguageModel } from './language-model.js';
import { PREVIOUS_TOKENS_INPUT } from './lm-graphs.js';
import { chooseToken } from './token-choice.js';

/** Sampling parameters, shared by every prompt of a batch. */
export type SamplingParams = {
  readonly maxNewTokens: number;
  /** 0 is greedy; default 1. */
  readonly temperature?: number;
  /** Keep only the k most probable tokens; 0 (default) keeps all. */
  readonly topK?: number;
  /** Keep the smallest set of tokens whose probability reaches p; 1 (default) keeps all. */
  readonly topP?: number;
  /** Generation of a row ends after it produces one of these ids (the id is kept). */
  readonly stopTokenIds?: readonly number[];
  /** Generation of a row ends once its decoded text contains one of these (needs `decode`). */
  readonly stopStrings?: readonly string[];
  /** Seed of the sampling stream; row b draws from its own stream, so rows do not affect each other. */
  readonly seed?: number;
};

/** One generated continuation. */
export type SampledSequence = {
  readonly tokens: number[];
  /** logprob of each token under the temperature-scaled, untruncated distribution. */
  readonly logprobs: number[];
  readonly finishReason: 'stop' | 'length';
};

/** One token as it is chosen: its batch row, id and sampling logprob. */
export type SampledToken = { readonly row: number; readonly token: number; readonly logprob: number };

/**
 * Called synchronously as each token is chosen, before the next decode step (for streaming). Return
 * 'stop' to end that row now, with finish reason 'stop' and the token kept.
 */
export type TokenHook = (event: SampledToken) => 'stop' | void;

/** A sampling request: prompts as token ids, and a decoder when stop strings are used. */
export type SampleRequest = {
  readonly prompts: readonly (readonly number[])[];
  readonly params: SamplingParams;
  readonly decode?: (tokens: readonly number[]) => string;
  /**
   * Per-row settings, for batches that merge independent requests: row b draws from
   * `Rng(seed).fork('row 0')` (what a one-prompt request with that seed draws) and stops after its
   * own `maxNewTokens` (at most `params.maxNewTokens`).
   */
  readonly rows?: readonly { readonly seed: number; readonly maxNewTokens: number }[];
  /** Sees every token as it is chosen and may stop its row. */
  readonly onToken?: TokenHook;
};

/** Generates continuations of every prompt in one batch. */
export async function sample(model: LanguageModel, request: SampleRequest): Promise<SampledSequence[]> {
  const { prompts, params } = request;
  validate(model, request);
  if (prompts.length === 0) return [];
  const { layers } = model.config;
  const K = model.config.kvHeads ?? model.config.heads;
  const D = model.config.width / model.config.heads;
  const B = prompts.length;
  const T = Math.max(...prompts.map((p) => p.length));
  const S = T + params.maxNewTokens;
  const lengths = prompts.map((p) => p.length);
  const parameters = model.parameterFeeds();
  const rows = request.rows;
  const rngs = prompts.map((_, b) =>
    rows === undefined ? new Rng(params.seed ?? 0).fork(`row ${b}`) : new Rng(rows[b].seed).fork('row 0'),
  );
  const limits = prompts.map((_, b) => rows?.[b].maxNewTokens ?? params.maxNewTokens);
  const choice = {
    temperature: params.temperature ?? 1,
    topK: params.topK ?? 0,
    topP: params.topP ?? 1,
    vocabLimit: model.samplableVocabSize,
  };
  const stopIds = new Set(params.stopTokenIds ?? []);

  // Prefill: the whole prompt batch at once.
  const tokens = new BigInt64Array(B * T);
  const positions = new BigInt64Array(B * T);
  const lastRows = new BigInt64Array(B);
  prompts.forEach((p, b) => {
    p.forEach((t, i) => (tokens[b * T + i] = BigInt(t)));
    for (let i = 0; i < T; i++) positions[b * T + i] = BigInt(i);
    lastRows[b] = BigInt(b * T + p.length - 1);
  });
  const prefill = await (
    await model.graph('prefill')
  ).run({
    ...parameters,
    tokens: int64Tensor(tokens, [B, T]),
    positions: int64Tensor(positions, [B, T]),
    lastRows: int64Tensor(lastRows, [B]),
  });
  const cache = new KvCache({ layers, B, K, S, D });
  cache.writePrefill(prefill, T);
  const bias = new Float32Array(B * S).fill(MASK_VALUE);
  lengths.forEach((length, b) => bias.fill(0, b * S, b * S + length));

  const results = prompts.map(() => ({
    tokens: [] as number[],
    logprobs: [] as number[],
    finishReason: 'length' as 'stop' | 'length',
    done: false,
  }));
  let logits = prefill.logits.data as Float32Array; // (B, V)
  const V = model.config.vocabSize;
  const decodeGraph = await model.graph('decode');
  const lastPosition = model.config.contextLength - 1;
  for (let n = 0; n < params.maxNewTokens; n++) {
    const next = new BigInt64Array(B);
    results.forEach((row, b) => {
      if (row.done) return;
      const picked = chooseToken(logits.subarray(b * V, (b + 1) * V), choice, rngs[b]);
      row.tokens.push(picked.token);
      row.logprobs.push(picked.logprob);
      next[b] = BigInt(picked.token);
      const hook = request.onToken?.({ row: b, token: picked.token, logprob: picked.logprob });
      if (
        hook === 'stop' ||
        stopIds.has(picked.token) ||
        hitsStopString(row.tokens, params.stopStrings, request.decode)
      ) {
        row.done = true;
        row.finishReason = 'stop';
      } else if (row.tokens.length >= limits[b]) {
        row.done = true;
      }
    });
    if (n === params.maxNewTokens - 1 || results.every((r) => r.done)) break;
    // A finished row's ignored step stays inside the model's positions: a row that ended near the
    // context must not fail the rows still running beside it.
    const stepPositions = BigInt64Array.from(lengths, (length) => BigInt(Math.min(length + n, lastPosition)));
    // The N tokens before this step's, nearest first, from the prompt and the row's picks (0 before
    // position 0, where the graph zeroes them; a finished row's step is computed and ignored).
    const N = model.config.previousTokens;
    const previous = results.flatMap((row, b) =>
      Array.from({ length: N }, (_, back) => {
        const at = lengths[b] + n - 1 - back;
        return at < 0 ? 0 : at < lengths[b] ? prompts[b][at] : (row.tokens[at - lengths[b]] ?? 0);
      }),
    );
    const out = await decodeGraph.run({
      ...parameters,
      ...(model.config.previousTokenEmbedding
        ? { [PREVIOUS_TOKENS_INPUT]: int64Tensor(BigInt64Array.from(previous, BigInt), [B, N]) }
        : {}),
      tokens: int64Tensor(next, [B, 1]),
      positions: int64Tensor(stepPositions, [B, 1]),
      bias: floatTensor(bias, [B, 1, 1, S]),
      ...cache.feeds(),
    });
    lengths.forEach((length, b) => {
      cache.writeStep(out, b, length + n);
      bias[b * S + length + n] = 0;
    });
    logits = out.logits.data as Float32Array;
  }
  return results.map(({ tokens: t, logprobs, finishReason }) => ({ tokens: t, logprobs, finishReason }));
}

/** Per-layer key and value buffers (B, K, S, D) that decode steps read whole and write one slot of. */
class KvCache {
  private readonly keys: Float32Array[] = [];
  private readonly values: Float32Array[] = [];

  constructor(private readonly dims: { layers: number; B: number; K: number; S: number; D: number }) {
    const size = dims.B * dims.K * dims.S * dims.D;
    for (let i = 0; i < dims.layers; i++) {
      this.keys.push(new Float32Array(size));
      this.values.push(new Float32Array(size));
    }
  }

  /** Copies prefill keys and values (B, K, T, D) into slots [0, T). */
  writePrefill(out: Record<string, Tensor>, T: number): void {
    const { layers, B, K, S, D } = this.dims;
    for (let i = 0; i < layers; i++) {
      const k = out[`keys.${i}`].data as Float32Array;
      const v = out[`values.${i}`].data as Float32Array;
      for (let bk = 0; bk < B * K; bk++) {
        this.keys[i].set(k.subarray(bk * T * D, (bk + 1) * T * D), bk * S * D);
        this.values[i].set(v.subarray(bk * T * D, (bk + 1) * T * D), bk * S * D);
      }
    }
  }

  /** Writes row b's step keys and values (B, K, 1, D) into slot `slot`. */
  writeStep(out: Record<string, Tensor>, b: number, slot: number): void {
    const { layers, K, S, D } = this.dims;
    for (let i = 0; i < layers; i++) {
      const k = out[`keys.${i}`].data as Float32Array;
      const v = out[`values.${i}`].data as Float32Array;
      for (let h = 0; h < K; h++) {
        const from = (b * K + h) * D;
        const to = ((b * K + h) * S + slot) * D;
        this.keys[i].set(k.subarray(from, from + D), to);
        this.values[i].set(v.subarray(from, from + D), to);
      }
    }
  }

  feeds(): Record<string, Tensor> {
    const { layers, B, K, S, D } = this.dims;
    const feeds: Record<string, Tensor> = {};
    for (let i = 0; i < layers; i++) {
      feeds[`pastKeys.${i}`] = floatTensor(this.keys[i], [B, K, S, D]);
      feeds[`pastValues.${i}`] = floatTensor(this.values[i], [B, K, S, D]);
    }
    return feeds;
  }
}

function hitsStopString(
  tokens: readonly number[],
  stops: readonly string[] | undefined,
  decode: SampleRequest['decode'],
): boolean {
  if (stops === undefined || stops.length === 0 || decode === undefined) return false;
  const text = decode(tokens);
  return stops.some((s) => text.includes(s));
}

function validate(model: LanguageModel, request: SampleRequest): void {
  const { params } = request;
  const fail = (message: string) => {
    throw new ModelError('invalid_argument', `sampling: ${message}`);
  };
  if (!Number.isInteger(params.maxNewTokens) || params.maxNewTokens < 1)
    fail(`maxNewTokens must be a positive integer, got ${params.maxNewTokens}`);
  if (params.temperature !== undefined && !(params.temperature >= 0))
    fail(`temperature must be >= 0, got ${params.temperature}`);
  if (params.topK !== undefined && !(Number.isInteger(params.topK) && params.topK >= 0))
    fail(`topK must be a non-negative integer, got ${params.topK}`);
  if (params.topP !== undefined && !(params.topP > 0 && params.topP <= 1))
    fail(`topP must be in (0, 1], got ${params.topP}`);
  if ((params.stopStrings?.length ?? 0) > 0 && request.decode === undefined)
    fail('stopStrings need a decode function');
  params.stopTokenIds?.forEach((id) => model.checkTokens([id], 'stopTokenIds'));
  if (request.rows !== undefined) {
    if (request.rows.length !== request.prompts.length)
      fail(`rows has ${request.rows.length} entries for ${request.prompts.length} prompts`);
    request.rows.forEach((row, b) => {
      if (!Number.isSafeInteger(row.seed)) fail(`rows[${b}].seed must be a safe integer, got ${row.seed}`);
      if (
        !Number.isInteger(row.maxNewTokens) ||
        row.maxNewTokens < 1 ||
        row.maxNewTokens > params.maxNewTokens
      )
        fail(
          `rows[${b}].maxNewTokens must be an integer in [1, ${params.maxNewTokens}], got ${row.maxNewTokens}`,
        );
    });
  }
  request.prompts.forEach((p, b) => {
    if (p.length === 0) fail(`prompt ${b} is empty`);
    model.checkTokens(p, `prompt ${b}`);
    const limit = request.rows?.[b].maxNewTokens ?? params.maxNewTokens;
    if (p.length + limit > model.config.contextLength) {
      throw new ModelError(
        'sequence_too_long',
        `prompt ${b} has ${p.length} tokens; with maxNewTokens ${limit} it exceeds the model context ${model.config.contextLength}`,
      );
    }
  });
}
