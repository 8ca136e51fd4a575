// The policy contract agents sample from: token-level (the local engine, which also returns the exact
// tokens and logprobs) or text-level (an OpenAI-compatible endpoint).

import type { AssistantMessage, Message } from '../conversation/messages.js';
import type { ToolCallParseFailure } from '../conversation/tool-call-format.js';
import type { ToolDefinition } from '../conversation/tool-definition.js';
import type { TurnTokens } from '../conversation/trajectory.js';

/** What a policy is asked: the conversation as it should see it, and tools to show natively. */
export type PolicyRequest = {
  readonly messages: readonly Message[];
  /** Tools given through the model's native tool slot; only when `supportsNativeTools`. */
  readonly tools?: readonly ToolDefinition[];
  readonly signal?: AbortSignal;
};

/** Why generation ended: a stop token or message end, the token limit, a tool call, or anything else. */
export type FinishReason = 'stop' | 'length' | 'tool_calls' | 'other';

/** One generated assistant turn. */
export type PolicyOutput = {
  /** The reply, with tool calls parsed from the output. */
  readonly message: AssistantMessage;
  /** Token-level record, for policies that sample tokens themselves. */
  readonly tokens?: TurnTokens;
  /** Tool calls in the output that could not be parsed. */
  readonly parseFailures: readonly ToolCallParseFailure[];
  readonly finishReason: FinishReason;
  /** Requests made, for remote policies (1 + retries). */
  readonly attempts?: number;
  /** Token counts reported by a remote endpoint. */
  readonly usage?: { readonly promptTokens: number; readonly completionTokens: number };
};

/** Generates assistant turns. A policy may keep per-conversation state; `fork` gives a fresh one. */
export interface Policy {
  readonly name: string;
  /** Whether `PolicyRequest.tools` is supported; otherwise tools belong in the system prompt. */
  readonly supportsNativeTools: boolean;
  generate(request: PolicyRequest): Promise<PolicyOutput>;
  /** The same policy with empty per-conversation state (one per concurrent conversation). */
  fork(): Policy;
}
