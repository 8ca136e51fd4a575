// The vocabulary of the scripted chat-completions server: what it may do with one request, and the
// request as it records it.

import type { IncomingHttpHeaders } from 'node:http';

/** One tool call in a scripted reply, as the model would emit it. */
export type ScriptedToolCall = {
  /** The call id; left out of a JSON reply when absent, so clients that make up ids can be tested. */
  readonly id?: string;
  readonly name: string;
  /** The arguments as the JSON text the model wrote (which need not be valid JSON). */
  readonly arguments: string;
};

/** Token counts in the wire format of the chat-completions `usage` field. */
export type ScriptedUsage = {
  readonly prompt_tokens: number;
  readonly completion_tokens: number;
  readonly total_tokens: number;
};

/** A 200 completion, sent as one JSON body, or as SSE chunks when the request sets `stream: true`. */
export type ScriptedReply = {
  readonly kind: 'reply';
  /** The text; an array gives the pieces it streams in (one token each), joined for a JSON reply. */
  readonly content: string | null | readonly string[];
  readonly toolCalls?: readonly ScriptedToolCall[];
  /** Default: `tool_calls` when there are tool calls, else `stop`. */
  readonly finishReason?: string;
  /** Logprob of each piece, sent when the request sets `logprobs: true`; a missing one is -1. */
  readonly logprobs?: readonly number[];
  /** Reported usage; `false` leaves the field out. Default: `SCRIPTED_USAGE`. */
  readonly usage?: ScriptedUsage | false;
};

/** What the server does with one request. */
export type ScriptedBehaviour =
  | ScriptedReply
  /** An OpenAI-style error envelope `{ error: { message } }` with this status. */
  | { readonly kind: 'error'; readonly status: number; readonly message?: string }
  /** Exactly this status, headers and body text (content type JSON unless `headers` says otherwise). */
  | {
      readonly kind: 'raw';
      readonly status: number;
      readonly body: string;
      readonly headers?: Readonly<Record<string, string>>;
    }
  /** Never answers, until the client gives up or the server closes. */
  | { readonly kind: 'hang' }
  /** Starts an SSE stream, sends these pieces, then drops the connection without finishing. */
  | { readonly kind: 'drop'; readonly pieces: readonly string[] };

/** One message of a request body; fields beyond `role` are whatever the client sent. */
export type ChatRequestMessage = {
  readonly role: string;
  readonly content?: unknown;
  readonly [field: string]: unknown;
};

/** A request body the server accepted: a JSON object with a string `model` and a `messages` array. */
export type ChatRequestBody = {
  readonly model: string;
  readonly messages: readonly ChatRequestMessage[];
  readonly [field: string]: unknown;
};

/** One request as the server received it. */
export type RecordedChatRequest = {
  readonly body: ChatRequestBody;
  /** The request headers; `headers.authorization` carries the client's API key. */
  readonly headers: IncomingHttpHeaders;
  /** `performance.now()` when the request's body had arrived. */
  readonly at: number;
};

/** Chooses the behaviour for a request the queue has no behaviour for; may be sync or async. */
export type ScriptedResponder = (
  request: RecordedChatRequest,
) => ScriptedBehaviour | PromiseLike<ScriptedBehaviour>;
