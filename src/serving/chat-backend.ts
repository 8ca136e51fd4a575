// The contract between HTTP routes and whatever produces assistant turns: a local checkpoint on the
// embedded engine, or an upstream OpenAI-compatible endpoint, each wrapped in the resilience layer.

import type { FinishReason } from '../agents/policy.js';
import type { AssistantMessage, Message } from '../conversation/messages.js';
import type { ToolDefinition } from '../conversation/tool-definition.js';
import type { TurnTokens } from '../conversation/trajectory.js';

/** Per-request sampling settings, as the OpenAI API names them (camel-cased); absent means the backend's default. */
export type SamplingParams = {
  readonly temperature?: number;
  readonly topP?: number;
  readonly maxTokens?: number;
  readonly stop?: readonly string[];
  readonly seed?: number;
};

/** A piece of the reply as it is generated (for SSE streaming). */
export type CompletionDelta = { readonly content: string };

/** One generated token with its sampling logprob. */
export type TokenLogprob = {
  readonly token: string;
  readonly logprob: number;
  readonly bytes: readonly number[];
};

/** What a route asks of a backend. */
export type CompletionRequest = {
  /** The conversation, system prompt first when there is one. */
  readonly messages: readonly Message[];
  readonly tools?: readonly ToolDefinition[];
  readonly sampling: SamplingParams;
  /** Return per-token logprobs. */
  readonly logprobs?: boolean;
  /** Aborted when the client goes away or the request times out. */
  readonly signal?: AbortSignal;
  /** Called with each piece of text as it is generated; may be sync or async (awaited). */
  readonly onDelta?: (delta: CompletionDelta) => void | PromiseLike<void>;
};

/** One assistant turn from a backend. */
export type Completion = {
  readonly message: AssistantMessage;
  readonly finishReason: FinishReason;
  readonly usage: { readonly promptTokens: number; readonly completionTokens: number };
  readonly logprobs?: readonly TokenLogprob[];
  /** Token-level record, for local models (what conversations capture for training). */
  readonly tokens?: TurnTokens;
  /** True when this is the resilience layer's fallback reply, not the model's. */
  readonly degraded?: boolean;
};

/** Whether a backend can serve, and if not, why (what `/readyz` reports). */
export type BackendReadiness = { readonly ready: true } | { readonly ready: false; readonly reason: string };

/** Produces assistant turns for the server. */
export interface ChatBackend {
  /** The model id `/v1/models` lists and completions report. */
  readonly modelId: string;
  readiness(): BackendReadiness;
  /** Throws a StatesetError whose code maps to the HTTP status (catalogue). */
  complete(request: CompletionRequest): Promise<Completion>;
  close(): Promise<void>;
}
