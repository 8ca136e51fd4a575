// The agent contract: given the conversation so far, produce the next assistant message (text or
// tool calls) plus, for token-level policies, the exact tokens and logprobs behind it.

import type { AssistantMessage, Message } from '../conversation/messages.js';
import type { TurnTokens } from '../conversation/trajectory.js';

/** A model output that was meant as a tool call but could not be parsed. */
export type ToolCallParseFailure = {
  readonly raw: string;
  readonly reason: string;
};

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
