// The contract of incremental chat rendering: messages become tokens turn by turn, each turn only
// appending to what is already rendered, so the tokens trained on are exactly the tokens sampled.

import type { AssistantMessage, Message } from './messages.js';
import type { Tokenizer } from '../models/tokenizers/tokenizer.js';
import type { ToolCallParseFailure } from './tool-call-format.js';
import type { ToolDefinition } from './tool-definition.js';

/** The conversation a rendering call is about: its messages so far and the tools shown natively. */
export type RenderContext = {
  /** Messages already rendered into the token stream, oldest first. */
  readonly history: readonly Message[];
  /** Tools shown through the chat format itself (only when `supportsNativeTools`). */
  readonly tools?: readonly ToolDefinition[];
};

/** What decoding one sampled completion gives. */
export type ParsedCompletion = {
  /** The assistant message: its content and parsed tool calls. */
  readonly message: AssistantMessage;
  /** Tool-call blocks that did not parse. */
  readonly parseFailures: readonly ToolCallParseFailure[];
  /** Text of the completion without its stop token. */
  readonly text: string;
  /** Whether the completion ends with one of `stopTokenIds`. */
  readonly stopped: boolean;
};

/** Options of `ChatRenderer.parseCompletion`. */
export type ParseCompletionOptions = {
  /** Prefix of the ids given to parsed tool calls (followed by the call's index). */
  readonly toolCallIdPrefix?: string;
};

/**
 * Renders a conversation to tokens incrementally. The token stream of a conversation is: the tokens
 * of the first messages, then per assistant turn the opener, the sampled completion (which ends
 * with a stop token), then the tokens of the messages that follow, and so on. Earlier tokens are
 * never re-tokenised.
 *
 * Convention: when `history` ends with an assistant message, the stream holds that message up to
 * and including its stop token; whatever the format puts after the stop token (a newline, say) is
 * part of the next `renderMessages` or `renderAssistantOpener`.
 */
export interface ChatRenderer {
  readonly tokenizer: Tokenizer;
  /** Ids that end an assistant turn; the first is what closes a turn that hit its length limit. */
  readonly stopTokenIds: readonly number[];
  /** Whether tool definitions can be given through `RenderContext.tools` (else put them in the system prompt). */
  readonly supportsNativeTools: boolean;
  /** Tokens that `added` appends to a stream that holds `history`. */
  renderMessages(context: RenderContext & { readonly added: readonly Message[] }): number[];
  /** Tokens that open an assistant turn after `history` (the generation prompt). */
  renderAssistantOpener(context: RenderContext): number[];
  /** Tokens a model samples to write `message` after `history` and its opener, stop token included. */
  renderCompletion(context: RenderContext & { readonly message: AssistantMessage }): number[];
  /** Decodes sampled tokens into an assistant message, parsing its tool calls. */
  parseCompletion(tokens: readonly number[], options?: ParseCompletionOptions): ParsedCompletion;
  /**
   * The text that the token stream of `messages` decodes to (a final assistant message ends at its
   * stop token); with `addGenerationPrompt`, followed by the assistant opener.
   */
  renderText(input: {
    readonly messages: readonly Message[];
    readonly tools?: readonly ToolDefinition[];
    readonly addGenerationPrompt?: boolean;
  }): string;
}
