// The step both policy-backed agents share: compose the system prompt, fit the context window, ask
// the policy, and turn its output into an AgentTurn.

import type { Message } from '../conversation/messages.js';
import type { ToolDefinition } from '../conversation/tool-definition.js';
import type { AgentTurn } from './agent.js';
import { fitContextWindow, type ContextWindow } from './context-window.js';
import type { Policy } from './policy.js';
import { composeSystemPrompt } from './system-prompt.js';

/** How an agent shapes what its policy sees. */
export type PromptShaping = {
  /** Instructions placed before the conversation's own system message. */
  readonly systemPrompt?: string;
  /** Text placed after it (tool descriptions). */
  readonly systemSuffix?: string;
  readonly contextWindow?: ContextWindow;
};

/** The messages a policy sees for `messages`: system prompt composed, then the context window applied. */
export function shapePrompt(messages: readonly Message[], shaping: PromptShaping): readonly Message[] {
  const composed = composeSystemPrompt(messages, {
    before: shaping.systemPrompt,
    after: shaping.systemSuffix,
  });
  return shaping.contextWindow === undefined
    ? composed
    : fitContextWindow(composed, shaping.contextWindow).messages;
}

/** Asks `policy` for the next turn of `messages`, shaped by `shaping`. */
export async function policyTurn(options: {
  readonly policy: Policy;
  readonly messages: readonly Message[];
  readonly shaping: PromptShaping;
  readonly tools?: readonly ToolDefinition[];
  readonly signal?: AbortSignal;
}): Promise<AgentTurn> {
  const output = await options.policy.generate({
    messages: shapePrompt(options.messages, options.shaping),
    tools: options.tools,
    signal: options.signal,
  });
  return {
    message: output.message,
    ...(output.tokens === undefined ? {} : { tokens: output.tokens }),
    ...(output.parseFailures.length === 0 ? {} : { parseFailures: output.parseFailures }),
  };
}
