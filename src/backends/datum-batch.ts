// Packs datums into right-padded (B, T) feeds for a training graph, validating every field first.

import { ModelError } from '../errors.js';
import { floatTensor, int64Tensor, type Tensor } from '../engine/tensor.js';
import type { LanguageModel } from '../models/language-model.js';
import { feedsOldLogprobs, LOSS_REQUIRES } from './losses.js';
import type { Datum, LossFnName } from './training-backend.js';

/** Feeds for one run and the width T the datums were padded to. */
export type DatumBatch = { readonly feeds: Record<string, Tensor>; readonly width: number };

/** Throws ModelError('invalid_argument') naming the datum and field for any malformed input. */
export function validateDatums(
  model: LanguageModel,
  datums: readonly Datum[],
  lossFn: LossFnName,
  options: { readonly kl?: boolean; readonly onPolicy?: boolean } = {},
): void {
  datums.forEach((datum, index) => {
    const n = datum.modelInput.length;
    const where = `datum ${index}`;
    if (n === 0) throw new ModelError('invalid_argument', `${where}: modelInput is empty`);
    if (n > model.config.contextLength) {
      throw new ModelError(
        'sequence_too_long',
        `${where}: ${n} tokens exceed the model context ${model.config.contextLength}`,
      );
    }
    model.checkTokens(datum.modelInput, `${where} modelInput`);
    model.checkTokens(datum.lossFnInputs.targetTokens, `${where} targetTokens`);
    const fields: [string, readonly number[] | undefined, boolean][] = [
      ['targetTokens', datum.lossFnInputs.targetTokens, true],
      ['weights', datum.lossFnInputs.weights, false],
      ['logprobs', datum.lossFnInputs.logprobs, feedsOldLogprobs(lossFn, options.onPolicy === true)],
      ['advantages', datum.lossFnInputs.advantages, LOSS_REQUIRES[lossFn].includes('advantages')],
      ['refLogprobs', datum.lossFnInputs.refLogprobs, options.kl === true],
    ];
    for (const [name, values, required] of fields) {
      if (values === undefined) {
        if (required) {
          const why = name === 'refLogprobs' ? 'the KL penalty' : `loss "${lossFn}"`;
          throw new ModelError('invalid_argument', `${where}: ${why} needs lossFnInputs.${name}`);
        }
        continue;
      }
      if (values.length !== n) {
        throw new ModelError(
          'invalid_argument',
          `${where}: lossFnInputs.${name} has ${values.length} values, modelInput has ${n}`,
        );
      }
      const bad = values.findIndex((v) => !Number.isFinite(v));
      if (bad >= 0)
        throw new ModelError('invalid_argument', `${where}: lossFnInputs.${name}[${bad}] is ${values[bad]}`);
    }
  });
}

/** Right-pads datums to the longest; padding has weight 0, so it never contributes to a loss. */
export function packDatums(
  datums: readonly Datum[],
  lossFn: LossFnName,
  options: { readonly kl?: boolean; readonly onPolicy?: boolean } = {},
): DatumBatch {
  const B = datums.length;
  const T = Math.max(...datums.map((d) => d.modelInput.length));
  const tokens = new BigInt64Array(B * T);
  const targets = new BigInt64Array(B * T);
  const positions = new BigInt64Array(B * T);
  const weights = new Float32Array(B * T);
  const oldLogprobs = new Float32Array(B * T);
  const advantages = new Float32Array(B * T);
  const refLogprobs = new Float32Array(B * T);
  datums.forEach((datum, b) => {
    const input = datum.lossFnInputs;
    for (let t = 0; t < T; t++) positions[b * T + t] = BigInt(t);
    datum.modelInput.forEach((token, t) => {
      const at = b * T + t;
      tokens[at] = BigInt(token);
      targets[at] = BigInt(input.targetTokens[t]);
      weights[at] = input.weights?.[t] ?? 1;
      oldLogprobs[at] = input.logprobs?.[t] ?? 0;
      advantages[at] = input.advantages?.[t] ?? 0;
      refLogprobs[at] = input.refLogprobs?.[t] ?? 0;
    });
  });
  const needs = LOSS_REQUIRES[lossFn];
  const feeds: Record<string, Tensor> = {
    tokens: int64Tensor(tokens, [B, T]),
    targets: int64Tensor(targets, [B, T]),
    positions: int64Tensor(positions, [B, T]),
    weights: floatTensor(weights, [B, T]),
  };
  if (feedsOldLogprobs(lossFn, options.onPolicy === true))
    feeds.oldLogprobs = floatTensor(oldLogprobs, [B, T]);
  if (needs.includes('advantages')) feeds.advantages = floatTensor(advantages, [B, T]);
  if (options.kl === true) feeds.refLogprobs = floatTensor(refLogprobs, [B, T]);
  return { feeds, width: T };
}
