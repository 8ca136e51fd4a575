// A token stream with its per-token training arrays, and its conversion to the backend's Datum:
// modelInput = tokens[:-1], and every per-token array shifted by one to align with targets.

import type { Datum } from '../backends/training-backend.js';
import { ConversationError } from './conversation-error.js';

/** One token stream and, per token, its loss mask, sampling logprob and turn. */
export type TokenSequence = {
  readonly tokens: readonly number[];
  /** 1 on tokens the policy sampled, 0 elsewhere. */
  readonly mask: readonly number[];
  /** Sampling logprob of sampled tokens; 0 on prompt tokens. */
  readonly logprobs: readonly number[];
  /** Index in `trajectory.turns` of the turn each token belongs to (prompt and completion). */
  readonly turnIndex: readonly number[];
};

/** Options of `sequenceToDatum`. */
export type SequenceToDatumOptions = {
  /** Per-token advantages, one per token of the sequence; shifted like the other arrays. */
  readonly advantages?: readonly number[];
};

/**
 * The Datum of a sequence of length N ≥ 2 (shapes N − 1): position i of `modelInput` predicts
 * `targetTokens[i] = tokens[i + 1]`, with weight `mask[i + 1]` and sampling logprob `logprobs[i + 1]`.
 */
export function sequenceToDatum(sequence: TokenSequence, options: SequenceToDatumOptions = {}): Datum {
  const { tokens, mask, logprobs } = sequence;
  const n = tokens.length;
  if (n < 2)
    throw new ConversationError('invalid_trajectory', `A datum needs at least two tokens, got ${n}.`);
  for (const [name, values] of [
    ['mask', mask],
    ['logprobs', logprobs],
    ['advantages', options.advantages],
  ] as const) {
    if (values !== undefined && values.length !== n) {
      throw new ConversationError(
        'invalid_trajectory',
        `${name} has ${values.length} values for ${n} tokens.`,
      );
    }
  }
  if (mask[0] !== 0) {
    throw new ConversationError('invalid_trajectory', 'The first token is sampled, so nothing predicts it.');
  }
  return {
    modelInput: tokens.slice(0, -1),
    lossFnInputs: {
      targetTokens: tokens.slice(1),
      weights: mask.slice(1),
      logprobs: logprobs.slice(1),
      ...(options.advantages === undefined ? {} : { advantages: options.advantages.slice(1) }),
    },
  };
}
