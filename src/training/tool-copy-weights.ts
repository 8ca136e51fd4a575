// Loss weights for the facts an assistant copies from tool results. A support answer is mostly
// phrasing the model learns early, and a few tokens it can only get right by reading the tool
// result (a status, an address, item names, the id again); weighting those tokens more in
// supervised fine-tuning spends the gradient on the copying, as the copy curriculum does for ids.

import type { Message } from '../conversation/messages.js';
import type { TokenSequence } from '../conversation/token-sequence.js';
import type { Tokenizer } from '../models/tokenizers/tokenizer.js';

/** Shortest text counted as copied: shorter matches (" is ", "s, ") are phrasing, not facts. */
export const MIN_COPIED_CHARS = 4;

/** Options of `toolCopiedTokens`. */
export type ToolCopiedTokensOptions = {
  readonly tokens: readonly number[];
  /** The sequence's loss mask: only tokens with a positive weight are candidates. */
  readonly mask: readonly number[];
  readonly tokenizer: Pick<Tokenizer, 'decode'>;
  /** The texts copies come from: the contents of the conversation's tool messages. */
  readonly sources: readonly string[];
  /** Default MIN_COPIED_CHARS. */
  readonly minChars?: number;
};

/**
 * Indices of the trained tokens (mask > 0) that overlap text copied from a source: each run of
 * trained text is scanned left to right, and at each position the longest substring that some
 * source contains is taken when it is at least `minChars` long (greedy, so a copied span is not
 * split in two). Works for any tokenizer: each token is decoded on its own, as `copiedIdTokens` does.
 */
export function toolCopiedTokens(options: ToolCopiedTokensOptions): number[] {
  const { tokens, mask, sources } = options;
  const minChars = options.minChars ?? MIN_COPIED_CHARS;
  const pieces = tokens.map((token) => options.tokenizer.decode([token]));
  const copied = pieces.map(() => false);
  const usable = sources.filter((source) => source.length >= minChars);
  let index = 0;
  while (index < tokens.length) {
    if (!(mask[index] > 0)) {
      index++;
      continue;
    }
    // One run of trained tokens, with the token each character came from.
    const owner: number[] = [];
    let text = '';
    for (; index < tokens.length && mask[index] > 0; index++) {
      text += pieces[index];
      for (let char = 0; char < pieces[index].length; char++) owner.push(index);
    }
    for (let at = 0; at < text.length;) {
      const length = longestSourceMatch(text, at, usable);
      if (length < minChars) {
        at++;
        continue;
      }
      for (let char = at; char < at + length; char++) copied[owner[char]] = true;
      at += length;
    }
  }
  return copied.flatMap((isCopied, position) => (isCopied ? [position] : []));
}

/** The length of the longest prefix of `text.slice(at)` that one of `sources` contains. */
function longestSourceMatch(text: string, at: number, sources: readonly string[]): number {
  let best = 0;
  for (const source of sources) {
    let length = best + 1;
    while (at + length <= text.length && source.includes(text.slice(at, at + length))) length++;
    best = Math.max(best, length - 1);
  }
  return best;
}

/**
 * Indices of the agent's tokens after the first tool result that repeat a tool result's text
 * (`toolCopiedTokens` on the sequence's mask). Text before the first result, such as the lookup's
 * arguments, cannot have been copied from one.
 */
export function toolCopiedAnswerTokens(
  sequence: TokenSequence,
  messages: readonly Message[],
  tokenizer: Pick<Tokenizer, 'decode'>,
): number[] {
  const sources = messages.flatMap((message) => (message.role === 'tool' ? [message.content] : []));
  if (sources.length === 0) return [];
  const { text, starts } = tokenTexts(sequence.tokens, tokenizer);
  const firstResult = text.indexOf(sources[0]);
  if (firstResult < 0) return [];
  const mask = sequence.mask.map((m, index) => (starts[index] < firstResult ? 0 : m));
  return toolCopiedTokens({ tokens: sequence.tokens, mask, tokenizer, sources });
}

/** Each token's text and where it starts in the decoded whole: tokens decoded one at a time. */
export function tokenTexts(
  tokens: readonly number[],
  tokenizer: Pick<Tokenizer, 'decode'>,
): { text: string; starts: number[] } {
  const starts: number[] = [];
  let text = '';
  for (const token of tokens) {
    starts.push(text.length);
    text += tokenizer.decode([token]);
  }
  return { text, starts };
}

/** The sequence with `weight` times its mask on the tokens `toolCopiedAnswerTokens` finds; the same sequence when weight is 1. */
export function weighToolCopies(
  sequence: TokenSequence,
  messages: readonly Message[],
  tokenizer: Pick<Tokenizer, 'decode'>,
  weight: number,
): TokenSequence {
  if (weight === 1) return sequence;
  const indices = toolCopiedAnswerTokens(sequence, messages, tokenizer);
  if (indices.length === 0) return sequence;
  const mask = [...sequence.mask];
  for (const index of indices) mask[index] *= weight;
  return { ...sequence, mask };
}
