// Teacher forcing: the token stream a policy would have produced had it written a conversation's
// assistant messages itself, for supervised fine-tuning on demonstrations.

import type { ChatRenderer } from './chat-renderer.js';
import type { Message } from './messages.js';
import type { TokenSequence } from './token-sequence.js';
import { TokenTranscript } from './token-transcript.js';
import type { ToolDefinition } from './tool-definition.js';

/** Options of `tokenizeConversation`. */
export type TokenizeConversationOptions = {
  readonly renderer: ChatRenderer;
  readonly messages: readonly Message[];
  readonly tools?: readonly ToolDefinition[];
};

/**
 * The stream of `messages` rendered turn by turn, exactly as a token-level policy builds it, with
 * each assistant message's `renderCompletion` tokens as the completion (mask 1, logprob 0). Ends with
 * the last assistant message; `turnIndex` counts assistant messages.
 */
export function tokenizeConversation(options: TokenizeConversationOptions): TokenSequence {
  const { renderer, messages, tools } = options;
  const transcript = new TokenTranscript({ renderer, tools });
  const mask: number[] = [];
  const turnIndex: number[] = [];
  let turn = 0;
  messages.forEach((message, index) => {
    if (message.role !== 'assistant') return;
    const history = messages.slice(0, index);
    const pending = transcript.prepareTurn(history);
    const completion = renderer.renderCompletion({ history, message, tools });
    transcript.commitTurn(pending, completion, message);
    for (const _ of pending.prompt) mask.push(0);
    for (const _ of completion) mask.push(1);
    while (turnIndex.length < mask.length) turnIndex.push(turn);
    turn++;
  });
  return { tokens: [...transcript.tokens], mask, logprobs: mask.map(() => 0), turnIndex };
}
