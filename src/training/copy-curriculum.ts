// The copy curriculum: fragments of support-lite demonstrations (see `idFragment`) with fresh order
// ids (and facts, statuses), every token but the first trained, so that the model learns to copy
// what it has never seen. `sft` trains on it before the demonstrations themselves; `train
// --sft-curriculum` makes it the supervised term of every GRPO update (see supervised-term.ts).

import type { ChatRenderer } from '../conversation/chat-renderer.js';
import type { Message } from '../conversation/messages.js';
import type { TokenSequence } from '../conversation/token-sequence.js';
import type { Trajectory } from '../conversation/trajectory.js';
import { Rng } from '../engine/random.js';
import type { RetailDatabase } from '../environments/retail/retail-types.js';
import {
  type FactPools,
  factPools,
  idFragment,
  ORDER_ID_PATTERN,
  swapStatus,
} from '../environments/support-lite/id-fragments.js';
import type { Tokenizer } from '../models/tokenizers/tokenizer.js';
import { tokenizeChatExamples } from './chat-dataset-tokens.js';
import { tokenTexts, toolCopiedAnswerTokens } from './tool-copy-weights.js';

/** Options of `curriculumSequences`. */
export type CurriculumSequencesOptions = {
  readonly demonstrations: readonly Trajectory[];
  readonly renderer: ChatRenderer;
  /** Draws the fresh ids. */
  readonly seed: number;
  /** Real order ids of the database: never drawn. */
  readonly realIds: ReadonlySet<string>;
  /** Loss weight of the digits of every repeated order id (the copies); other tokens weigh 1. Default 1. */
  readonly copyWeight?: number;
  /**
   * 'full': the whole conversation; 'lookup': only up to the first tool call (the customer gives
   * the id, the agent looks it up), about a third as long, so the same time sees more copies, in
   * shorter contexts where attention finds them sooner; 'mixed': one of each per demonstration
   * (with their own fresh ids), shuffled together; 'answer': from the first tool call to the answer
   * after it (the tool result and what the agent makes of it); 'lookup+answer': one lookup and one
   * answer fragment per demonstration. Default 'full'.
   */
  readonly fragments?: CurriculumFragments;
  /** When given, the facts of tool results are varied too (see `IdFragmentOptions.facts`). */
  readonly facts?: FactPools;
  /**
   * Answer fragments of a lookup whose answer states the status get a fresh status (`swapStatus`),
   * end right after the answer says it, and weigh the status's tokens there `copyWeight`. Default false.
   */
  readonly statusSwap?: boolean;
  /**
   * Loss weight of the agent's text that repeats a tool result of its fragment (`toolCopiedTokens`:
   * an address, item names, the status, the id), where it weighs more than `copyWeight` gives it.
   * Default 1.
   */
  readonly factWeight?: number;
};

/** How much of each conversation a fragment keeps; see `CurriculumSequencesOptions.fragments`. */
export type CurriculumFragments = (typeof CURRICULUM_FRAGMENTS)[number];

/** The fragments a copy curriculum can be made of; see `CurriculumSequencesOptions.fragments`. */
export const CURRICULUM_FRAGMENTS = ['full', 'lookup', 'mixed', 'answer', 'lookup+answer'] as const;

/** The messages up to and including the first assistant message with a tool call (all of them when none has one). */
export function upToFirstToolCall(messages: readonly Message[]): Message[] {
  const at = messages.findIndex(
    (message) => message.role === 'assistant' && (message.toolCalls?.length ?? 0) > 0,
  );
  return at < 0 ? [...messages] : messages.slice(0, at + 1);
}

/**
 * The messages from the first assistant message with a tool call to the first assistant message
 * after it without one (the answer), inclusive; all of them when none has a tool call.
 */
export function fromFirstToolCallToAnswer(messages: readonly Message[]): Message[] {
  const calls = (message: Message) => message.role === 'assistant' && (message.toolCalls?.length ?? 0) > 0;
  const start = messages.findIndex(calls);
  if (start < 0) return [...messages];
  const answer = messages.findIndex(
    (message, index) => index > start && message.role === 'assistant' && !calls(message),
  );
  return messages.slice(start, answer < 0 ? messages.length : answer + 1);
}

/** One fragment per demonstration (two for 'mixed' and 'lookup+answer'), tokenized with the loss on every token after the first. */
export function curriculumSequences(options: CurriculumSequencesOptions): TokenSequence[] {
  const rng = new Rng(options.seed).fork('id-fragments');
  const fragments = options.fragments ?? 'full';
  const examples = options.demonstrations.flatMap((demonstration): CurriculumExample[] => {
    const fragment = () =>
      idFragment({ messages: demonstration.messages, rng, exclude: options.realIds, facts: options.facts });
    const lookup = () => ({ messages: upToFirstToolCall(fragment()) });
    const answer = (): CurriculumExample => {
      const messages = fragment();
      const swapped = options.statusSwap === true ? swapStatus(messages, rng) : undefined;
      if (swapped === undefined) return { messages: fromFirstToolCallToAnswer(messages) };
      return { messages: fromFirstToolCallToAnswer(swapped.messages), status: swapped.status };
    };
    switch (fragments) {
      case 'full':
        return [{ messages: fragment() }];
      case 'lookup':
        return [lookup()];
      case 'mixed':
        return [lookup(), { messages: fragment() }];
      case 'answer':
        return [answer()];
      case 'lookup+answer':
        return [lookup(), answer()];
    }
  });
  const copyWeight = options.copyWeight ?? 1;
  const { tokenizer } = options.renderer;
  return tokenizeChatExamples({ renderer: options.renderer, examples }).map((sequence, at) => {
    // Ids appear in user, tool and assistant turns alike; every copy of one is a lesson.
    const mask: number[] = sequence.mask.map((_, index) => (index === 0 ? 0 : 1));
    const status = examples[at].status;
    const said = status === undefined ? undefined : statusTokens(sequence.tokens, tokenizer, status);
    const copied = copyWeight === 1 ? [] : [...copiedIdTokens(sequence.tokens, tokenizer), ...(said ?? [])];
    for (const index of copied) if (index > 0) mask[index] = copyWeight;
    const factWeight = options.factWeight ?? 1;
    if (factWeight !== 1) {
      for (const index of toolCopiedAnswerTokens(sequence, examples[at].messages, tokenizer)) {
        mask[index] = Math.max(mask[index], factWeight);
      }
    }
    if (said === undefined || said.length === 0) return { ...sequence, mask };
    // Nothing after the status: what the agent did next depended on the status it replaced.
    const end = said[said.length - 1] + 1;
    return {
      tokens: sequence.tokens.slice(0, end),
      mask: mask.slice(0, end),
      logprobs: sequence.logprobs.slice(0, end),
      turnIndex: sequence.turnIndex.slice(0, end),
    };
  });
}

/** The options of `sft` that shape its copy curriculum, as its config.json records them. */
export type CurriculumFlags = {
  readonly curriculumCopyWeight: number;
  readonly curriculumFragments: CurriculumFragments;
  readonly curriculumFacts: boolean;
  readonly curriculumStatusSwap: boolean;
  readonly curriculumFactWeight: number;
};

/**
 * The copy curriculum `sft` trains on with `flags`: fragments of `demonstrations` whose ids (and,
 * with the flags, facts and statuses) are drawn from `seed`, never naming a real order of `database`.
 */
export function sftCopyCurriculum(options: {
  readonly demonstrations: readonly Trajectory[];
  readonly renderer: ChatRenderer;
  readonly seed: number;
  readonly database: RetailDatabase;
  readonly flags: CurriculumFlags;
}): TokenSequence[] {
  const { database, flags } = options;
  return curriculumSequences({
    demonstrations: options.demonstrations,
    renderer: options.renderer,
    seed: options.seed,
    realIds: new Set(Object.values(database.orders).map((order) => order.order_id)),
    copyWeight: flags.curriculumCopyWeight,
    fragments: flags.curriculumFragments,
    facts: flags.curriculumFacts ? factPools(database) : undefined,
    statusSwap: flags.curriculumStatusSwap,
    factWeight: flags.curriculumFactWeight,
  });
}

/** A fragment, and the status it was given when its status was swapped. */
type CurriculumExample = { readonly messages: Message[]; readonly status?: string };

/** Indices of the tokens that overlap the characters [from, to) of the decoded text. */
function tokensOver(starts: readonly number[], length: number, from: number, to: number): number[] {
  const indices: number[] = [];
  starts.forEach((start, index) => {
    const end = index + 1 < starts.length ? starts[index + 1] : length;
    if (start < to && end > from) indices.push(index);
  });
  return indices;
}

/**
 * Indices of the tokens of `status` where the answer states it ("… is <status>"), the first time
 * after a tool result gave it ("| status: <status>"); empty when the text has no such pair.
 */
export function statusTokens(
  tokens: readonly number[],
  tokenizer: Pick<Tokenizer, 'decode'>,
  status: string,
): number[] {
  const { text, starts } = tokenTexts(tokens, tokenizer);
  const given = text.indexOf(`| status: ${status}`);
  if (given < 0) return [];
  const said = text.indexOf(` is ${status}`, given);
  if (said < 0) return [];
  const from = said + ' is '.length;
  return tokensOver(starts, text.length, from, from + status.length);
}

/**
 * Indices of the tokens that carry digits of an order id already seen earlier in `tokens`: the
 * only digits a model can predict by copying (a first occurrence is random). Works for any
 * tokenizer: each token is decoded on its own and a token counts when it overlaps a copied digit.
 */
export function copiedIdTokens(tokens: readonly number[], tokenizer: Pick<Tokenizer, 'decode'>): number[] {
  const { text, starts } = tokenTexts(tokens, tokenizer);
  const indices = new Set<number>();
  const seen = new Set<string>();
  for (const match of text.matchAll(ORDER_ID_PATTERN)) {
    if (seen.has(match[0])) {
      const digits = tokensOver(starts, text.length, match.index + 2, match.index + match[0].length);
      for (const index of digits) indices.add(index);
    }
    seen.add(match[0]);
  }
  return [...indices].sort((a, b) => a - b);
}
