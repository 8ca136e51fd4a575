// The agent contract: given the conversation so far, produce the next assistant message (text or
// tool calls) plus, for token-level policies, the exact tokens and logprobs behind it.

import type { AssistantMessage, Message } from '../conversation/messages.js';
import type { ToolCallParseFailure } from '../conversation/tool-call-format.js';
import type { TurnTokens } from '../conversation/trajectory.js';

// Defined with the tool-call text format, which the conversation layer's renderers parse.
export type { ToolCallParseFailure } from '../conversation/tool-call-format.js';

/** One assistant turn. */
export type AgentTurn = {
  readonly message: AssistantMessage;
  /** Present when the policy works at token level (the local engine). */
  readonly tokens?: TurnTokens;
  /** Tool calls in the output that failed to parse; the environment answers each with an error. */
  readonly parseFailures?: readonly ToolCallParseFailure[];
};

/** What an agent receives each turn. */
export type AgentInput = {
  /** The whole conversation so far, system prompt first. */
  readonly messages: readonly Message[];
  /** Aborted when the episode's step times out or is cancelled. */
  readonly signal?: AbortSignal;
};

/** Produces assistant turns. Agents may keep per-conversation state; `fork` gives a fresh one. */
export interface Agent {
  readonly name: string;
  act(input: AgentInput): Promise<AgentTurn>;
  /** A new agent of the same kind with empty per-conversation state (one per concurrent episode). */
  fork(): Agent;
}
