// Fitting a conversation into a context budget by dropping its oldest turns. A turn is a user message
// and everything after it up to the next user message, so a tool call is never kept without its
// result, nor a result without its call.

import type { ChatRenderer } from '../conversation/chat-renderer.js';
import type { Message } from '../conversation/messages.js';
import type { ToolDefinition } from '../conversation/tool-definition.js';
import { AgentError } from './agent-error.js';

/** The budget a conversation must fit; give `maxTokens` (with `countTokens`), `maxChars`, or both. */
export type ContextWindow = {
  /** Largest number of tokens, as `countTokens` counts them. Leave room for the reply. */
  readonly maxTokens?: number;
  /** Largest number of characters of contents, tool names and JSON arguments. */
  readonly maxChars?: number;
  /** Counts a conversation's tokens; required with `maxTokens` (see `rendererTokenCounter`). */
  readonly countTokens?: (messages: readonly Message[]) => number;
};

/** A conversation cut to fit, and what was dropped. */
export type FittedConversation = {
  readonly messages: readonly Message[];
  /** How many messages were dropped from the front (after the system messages). */
  readonly dropped: number;
  /** False when even the latest turn alone is over budget (it is kept anyway). */
  readonly fits: boolean;
};

/**
 * Drops the oldest non-system turns of `messages` until it fits `window`. Leading system messages and
 * the latest turn are always kept. Throws AgentError('invalid_argument') for `maxTokens` without
 * `countTokens` or a negative budget.
 */
export function fitContextWindow(messages: readonly Message[], window: ContextWindow): FittedConversation {
  const { maxTokens, maxChars, countTokens } = window;
  if (maxTokens !== undefined && countTokens === undefined) {
    throw new AgentError('invalid_argument', 'contextWindow.maxTokens needs contextWindow.countTokens.');
  }
  for (const [name, value] of [
    ['maxTokens', maxTokens],
    ['maxChars', maxChars],
  ] as const) {
    if (value !== undefined && !(value >= 0)) {
      throw new AgentError('invalid_argument', `contextWindow.${name} must be >= 0, got ${value}.`);
    }
  }
  const fits = (candidate: readonly Message[]) =>
    (maxChars === undefined || conversationChars(candidate) <= maxChars) &&
    (maxTokens === undefined || (countTokens as (m: readonly Message[]) => number)(candidate) <= maxTokens);
  let head = 0;
  while (head < messages.length && messages[head].role === 'system') head++;
  const system = messages.slice(0, head);
  const starts = turnStarts(messages, head);
  for (let turn = 0; turn < starts.length; turn++) {
    const candidate = [...system, ...messages.slice(starts[turn])];
    if (fits(candidate) || turn === starts.length - 1) {
      return {
        messages: turn === 0 ? messages : candidate,
        dropped: starts[turn] - head,
        fits: fits(candidate),
      };
    }
  }
  return { messages, dropped: 0, fits: fits(messages) };
}

/** Characters of a conversation: contents, plus tool names and JSON arguments of tool calls. */
export function conversationChars(messages: readonly Message[]): number {
  let chars = 0;
  for (const message of messages) {
    chars += message.content.length;
    if (message.role === 'assistant') {
      for (const call of message.toolCalls ?? [])
        chars += call.name.length + JSON.stringify(call.arguments).length;
    }
  }
  return chars;
}

/** Counts a conversation's tokens as a renderer renders it, with the assistant opener. */
export function rendererTokenCounter(
  renderer: ChatRenderer,
  tools?: readonly ToolDefinition[],
): (messages: readonly Message[]) => number {
  return (messages) =>
    renderer.renderMessages({ history: [], added: messages, tools }).length +
    renderer.renderAssistantOpener({ history: messages, tools }).length;
}

/** Indexes where turns start: the first non-system message, then every later user message. */
function turnStarts(messages: readonly Message[], head: number): number[] {
  const starts: number[] = [];
  for (let index = head; index < messages.length; index++) {
    if (index === head || messages[index].role === 'user') starts.push(index);
  }
  return starts;
}
