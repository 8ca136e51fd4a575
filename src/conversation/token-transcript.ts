// The token stream of one conversation as a token-level policy builds it: each turn renders only
// the messages added since the last turn, then the assistant opener; the sampled completion is
// appended as sampled. Earlier tokens are never re-tokenised.

import { isDeepStrictEqual } from 'node:util';
import type { ChatRenderer } from './chat-renderer.js';
import { ConversationError } from './conversation-error.js';
import type { AssistantMessage, Message } from './messages.js';
import type { ToolDefinition } from './tool-definition.js';

/** Options of a transcript. */
export type TokenTranscriptOptions = {
  readonly renderer: ChatRenderer;
  /** Tools shown natively by the renderer; fixed for the conversation. */
  readonly tools?: readonly ToolDefinition[];
};

/** A turn ready to sample: the tokens it appends and the whole prompt to sample from. */
export type PendingTurn = {
  /** Tokens appended before sampling: the new messages and the assistant opener (loss mask 0). */
  readonly prompt: readonly number[];
  /** The whole stream the sampler continues: the transcript's tokens, then `prompt`. */
  readonly context: readonly number[];
  /** The conversation this turn answers. */
  readonly messages: readonly Message[];
  /** Length of the transcript when the turn was prepared; a turn commits only onto that state. */
  readonly base: number;
};

/** The token stream of one conversation, appended to turn by turn. */
export class TokenTranscript {
  readonly renderer: ChatRenderer;
  readonly tools?: readonly ToolDefinition[];
  private readonly stream: number[] = [];
  private rendered: readonly Message[] = [];
  /** False while the last completion lacks a stop token (it hit the length limit). */
  private closed = true;

  constructor(options: TokenTranscriptOptions) {
    this.renderer = options.renderer;
    this.tools = options.tools;
  }

  /** Every token of the stream so far. */
  get tokens(): readonly number[] {
    return this.stream;
  }

  /** The messages the stream holds, the policy's own replies included. */
  get messages(): readonly Message[] {
    return this.rendered;
  }

  /** Whether `messages` continue this transcript: the same tools, and the rendered messages as a prefix. */
  continues(messages: readonly Message[], tools?: readonly ToolDefinition[]): boolean {
    if (!sameJson(tools ?? [], this.tools ?? [])) return false;
    if (messages.length < this.rendered.length) return false;
    return this.rendered.every((message, index) => sameJson(message, messages[index]));
  }

  /**
   * Renders what `messages` add to the stream and the assistant opener, without changing the
   * transcript. Throws ConversationError('invalid_argument') when they do not continue it.
   */
  prepareTurn(messages: readonly Message[]): PendingTurn {
    if (!this.continues(messages, this.tools)) {
      throw new ConversationError(
        'invalid_argument',
        'The messages do not continue this transcript (an earlier message changed); start a new transcript.',
      );
    }
    const added = messages.slice(this.rendered.length);
    const prompt = this.closed ? [] : [this.renderer.stopTokenIds[0]];
    prompt.push(...this.renderer.renderMessages({ history: this.rendered, added, tools: this.tools }));
    prompt.push(...this.renderer.renderAssistantOpener({ history: messages, tools: this.tools }));
    if (this.stream.length + prompt.length === 0) {
      throw new ConversationError(
        'invalid_argument',
        'The first prompt of a conversation renders to no tokens.',
      );
    }
    return { prompt, context: [...this.stream, ...prompt], messages, base: this.stream.length };
  }

  /** Appends a prepared turn's prompt and its sampled completion, and records the reply it decoded to. */
  commitTurn(turn: PendingTurn, completion: readonly number[], message: AssistantMessage): void {
    if (turn.base !== this.stream.length) {
      throw new ConversationError('invalid_argument', 'The transcript changed since this turn was prepared.');
    }
    this.stream.push(...turn.prompt, ...completion);
    this.rendered = [...turn.messages, message];
    const last = completion[completion.length - 1];
    this.closed = completion.length > 0 && this.renderer.stopTokenIds.includes(last);
  }
}

/** Deep equality of JSON data, ignoring undefined fields and key order. */
function sameJson(a: unknown, b: unknown): boolean {
  return isDeepStrictEqual(JSON.parse(JSON.stringify(a)), JSON.parse(JSON.stringify(b)));
}
