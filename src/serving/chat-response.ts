// Builds OpenAI chat-completions response bodies from a backend's Completion: the whole
// `chat.completion`, and the `chat.completion.chunk` objects of an SSE stream.

import { randomBytes } from 'node:crypto';
import type { FinishReason } from '../agents/policy.js';
import type { ToolCall } from '../conversation/messages.js';
import type { Completion, TokenLogprob } from './chat-backend.js';

/** Identity shared by every chunk of one completion. */
export type CompletionIdentity = { readonly id: string; readonly created: number; readonly model: string };

/** A fresh identity: `chatcmpl-<24 hex>`, created now (Unix seconds). */
export function newCompletionIdentity(model: string): CompletionIdentity {
  return { id: `chatcmpl-${randomBytes(12).toString('hex')}`, created: Math.floor(Date.now() / 1000), model };
}

/** OpenAI's finish reasons; ours `other` (e.g. aborted early) reads as `stop`. */
export function openAIFinishReason(reason: FinishReason): 'stop' | 'length' | 'tool_calls' {
  return reason === 'other' ? 'stop' : reason;
}

/** Tool calls in OpenAI shape, arguments as a JSON string. */
export function openAIToolCalls(calls: readonly ToolCall[]) {
  return calls.map((call) => ({
    id: call.id,
    type: 'function' as const,
    function: { name: call.name, arguments: JSON.stringify(call.arguments) },
  }));
}

/** `choices[0].logprobs` for these tokens; null when the backend gave none. */
export function openAILogprobs(logprobs: readonly TokenLogprob[] | undefined) {
  if (logprobs === undefined) return null;
  const content = logprobs.map((entry) => ({
    token: entry.token,
    logprob: entry.logprob,
    bytes: [...entry.bytes],
    top_logprobs: [],
  }));
  return { content, refusal: null };
}

/** `usage` of a completion. */
export function openAIUsage(completion: Completion) {
  const { promptTokens, completionTokens } = completion.usage;
  return {
    prompt_tokens: promptTokens,
    completion_tokens: completionTokens,
    total_tokens: promptTokens + completionTokens,
  };
}

/** The body of a non-streaming reply. */
export function chatCompletionBody(identity: CompletionIdentity, completion: Completion, logprobs: boolean) {
  const calls = completion.message.toolCalls ?? [];
  const content = completion.message.content === '' && calls.length > 0 ? null : completion.message.content;
  return {
    id: identity.id,
    object: 'chat.completion' as const,
    created: identity.created,
    model: identity.model,
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant' as const,
          content,
          refusal: null,
          ...(calls.length > 0 ? { tool_calls: openAIToolCalls(calls) } : {}),
        },
        logprobs: logprobs ? openAILogprobs(completion.logprobs) : null,
        finish_reason: openAIFinishReason(completion.finishReason),
      },
    ],
    usage: openAIUsage(completion),
    system_fingerprint: null,
  };
}

/** The `delta` of one stream chunk. */
export type ChunkDelta = {
  readonly role?: 'assistant';
  readonly content?: string;
  readonly tool_calls?: readonly (ReturnType<typeof openAIToolCalls>[number] & { index: number })[];
};

/** One `chat.completion.chunk`; `usage` only on the final usage chunk (its `choices` are empty). */
export function chatCompletionChunk(
  identity: CompletionIdentity,
  choice:
    | { delta: ChunkDelta; finishReason?: FinishReason; logprobs?: ReturnType<typeof openAILogprobs> }
    | undefined,
  usage?: ReturnType<typeof openAIUsage>,
) {
  return {
    id: identity.id,
    object: 'chat.completion.chunk' as const,
    created: identity.created,
    model: identity.model,
    system_fingerprint: null,
    choices:
      choice === undefined
        ? []
        : [
            {
              index: 0,
              delta: choice.delta,
              logprobs: choice.logprobs ?? null,
              finish_reason:
                choice.finishReason === undefined ? null : openAIFinishReason(choice.finishReason),
            },
          ],
    ...(usage === undefined ? {} : { usage }),
  };
}
