// Turning what a local model sampled into a Completion: the text cut at the first stop string,
// tool calls parsed as training renders them, per-token logprobs, usage and the token record.

import type { FinishReason } from '../../agents/policy.js';
import type { AssistantMessage } from '../../conversation/messages.js';
import { parseToolCalls } from '../../conversation/tool-call-format.js';
import { BYTE_VOCAB_SIZE, ByteTokenizer } from '../../models/tokenizers/byte-tokenizer.js';
import type { Tokenizer } from '../../models/tokenizers/tokenizer.js';
import type { Completion, TokenLogprob } from '../chat-backend.js';

/** What the sampler produced for one request, and how to read it. */
export type SampledTurn = {
  /** The model's tokenizer: bytes, or a Hugging Face tokenizer.json. */
  readonly tokenizer: Tokenizer;
  /** Ids that end a turn (the renderer's); a final one is not part of the text. */
  readonly stopTokenIds: readonly number[];
  /** The whole rendered prompt. */
  readonly prompt: readonly number[];
  readonly completion: readonly number[];
  readonly logprobs: readonly number[];
  /** 'stop' when a stop token or stop string ended it, 'length' at the token limit. */
  readonly sampledFinish: 'stop' | 'length';
  readonly stop: readonly string[];
  /** Prefix of parsed tool-call ids (then the call's index), as the training policy names them. */
  readonly toolCallIdPrefix: string;
  readonly includeLogprobs: boolean;
};

/** The index of the first stop string in `text`, or undefined when none occurs. */
export function firstStopIndex(text: string, stop: readonly string[]): number | undefined {
  const found = stop.filter((s) => s.length > 0).map((s) => text.indexOf(s));
  const hits = found.filter((index) => index >= 0);
  return hits.length === 0 ? undefined : Math.min(...hits);
}

/** The text of a completion: decoded without a final stop token, cut before the first stop string. */
export function completionText(
  turn: Pick<SampledTurn, 'tokenizer' | 'stopTokenIds' | 'completion' | 'stop'>,
): string {
  const { completion } = turn;
  const stopped = completion.length > 0 && turn.stopTokenIds.includes(completion[completion.length - 1]);
  const ids = stopped ? completion.slice(0, -1) : completion;
  // Hugging Face's library refuses to decode no ids at all (a reply that is only its stop token).
  const text = ids.length === 0 ? '' : turn.tokenizer.decode(ids);
  const cut = firstStopIndex(text, turn.stop);
  return cut === undefined ? text : text.slice(0, cut);
}

/**
 * The Completion of a sampled turn. Finish reason: 'tool_calls' when a call parsed, else the
 * sampler's. The token record keeps every sampled token (stop string included), so what is
 * captured for training is exactly what was sampled; the prompt starts a new sequence.
 */
export function readLocalCompletion(turn: SampledTurn): Completion {
  const parsed = parseToolCalls(completionText(turn), { idPrefix: turn.toolCallIdPrefix });
  const message: AssistantMessage =
    parsed.toolCalls.length > 0
      ? { role: 'assistant', content: parsed.content, toolCalls: parsed.toolCalls }
      : { role: 'assistant', content: parsed.content };
  const finishReason: FinishReason = parsed.toolCalls.length > 0 ? 'tool_calls' : turn.sampledFinish;
  return {
    message,
    finishReason,
    usage: { promptTokens: turn.prompt.length, completionTokens: turn.completion.length },
    ...(turn.includeLogprobs
      ? { logprobs: turn.completion.map((id, i) => tokenLogprob(turn.tokenizer, id, turn.logprobs[i])) }
      : {}),
    tokens: {
      prompt: [...turn.prompt],
      completion: [...turn.completion],
      logprobs: [...turn.logprobs],
      newSequence: true,
    },
  };
}

/**
 * One token as the API reports it: its text, its bytes and logprob. A byte tokenizer's byte id is that
 * byte; other tokens report the UTF-8 of their decoded text.
 */
export function tokenLogprob(tokenizer: Tokenizer, id: number, logprob: number): TokenLogprob {
  const token = tokenizer.decode([id]);
  const oneByte = tokenizer instanceof ByteTokenizer && id < BYTE_VOCAB_SIZE;
  const bytes = oneByte ? [id] : [...new TextEncoder().encode(token)];
  return { token, logprob, bytes };
}
