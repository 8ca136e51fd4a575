// Turns a validated OpenAI chat body into what a ChatBackend takes: our Message type (camel-cased,
// tool results named after the call they answer), tool definitions and sampling settings.

import type { Message, ToolCall } from '../conversation/messages.js';
import type { ToolDefinition } from '../conversation/tool-definition.js';
import type { SamplingParams } from './chat-backend.js';
import type { ChatRequestBody } from './chat-request-schema.js';
import { parseGuardedJson } from './json-guard.js';

/** The backend's share of a chat request. */
export type ChatInput = {
  readonly messages: readonly Message[];
  readonly tools: readonly ToolDefinition[];
  readonly sampling: SamplingParams;
  readonly logprobs: boolean;
};

/** The input, or what is wrong with the body (an expected failure, answered 400). */
export type ChatInputResult =
  { readonly ok: true; readonly value: ChatInput } | { readonly ok: false; readonly error: string };

type BodyMessage = ChatRequestBody['messages'][number];

/**
 * Converts `body`; fails on tool-call arguments that are not a JSON object (or nest deeper than
 * `maxJsonDepth`, or hold a forbidden key) and on a tool result that answers no call.
 */
export function toChatInput(body: ChatRequestBody, options: { maxJsonDepth: number }): ChatInputResult {
  const messages: Message[] = [];
  const callNames = new Map<string, string>();
  for (const [index, message] of body.messages.entries()) {
    const converted = toMessage(message, callNames, options.maxJsonDepth);
    if (typeof converted === 'string') return { ok: false, error: `messages.${index}: ${converted}` };
    messages.push(converted);
  }
  const tools =
    body.tool_choice === 'none'
      ? []
      : (body.tools ?? []).map((tool): ToolDefinition => ({
          name: tool.function.name,
          description: tool.function.description ?? '',
          parameters: tool.function.parameters ?? { type: 'object', properties: {} },
        }));
  const stop = body.stop == null ? undefined : typeof body.stop === 'string' ? [body.stop] : body.stop;
  const maxTokens = body.max_completion_tokens ?? body.max_tokens ?? undefined;
  const sampling: SamplingParams = {
    ...(body.temperature == null ? {} : { temperature: body.temperature }),
    ...(body.top_p == null ? {} : { topP: body.top_p }),
    ...(maxTokens === undefined ? {} : { maxTokens }),
    ...(stop === undefined || stop.length === 0 ? {} : { stop }),
    ...(body.seed == null ? {} : { seed: body.seed }),
  };
  return { ok: true, value: { messages, tools, sampling, logprobs: body.logprobs === true } };
}

function toMessage(
  message: BodyMessage,
  callNames: Map<string, string>,
  maxJsonDepth: number,
): Message | string {
  const text = contentText(message.content);
  switch (message.role) {
    case 'system':
    case 'developer':
      return { role: 'system', content: text };
    case 'user':
      return { role: 'user', content: text };
    case 'assistant': {
      const toolCalls: ToolCall[] = [];
      for (const call of message.tool_calls ?? []) {
        const args = parseArguments(call.function.arguments, maxJsonDepth);
        if (typeof args === 'string') return `tool call ${call.id}: ${args}`;
        callNames.set(call.id, call.function.name);
        toolCalls.push({ id: call.id, name: call.function.name, arguments: args });
      }
      return toolCalls.length > 0
        ? { role: 'assistant', content: text, toolCalls }
        : { role: 'assistant', content: text };
    }
    case 'tool': {
      const name = callNames.get(message.tool_call_id) ?? message.name;
      if (name === undefined)
        return `tool_call_id "${message.tool_call_id}" answers no earlier assistant tool call`;
      return { role: 'tool', toolCallId: message.tool_call_id, name, content: text };
    }
  }
}

function contentText(content: BodyMessage['content']): string {
  if (content == null) return '';
  if (typeof content === 'string') return content;
  return content.map((part) => part.text).join('');
}

function parseArguments(text: string, maxJsonDepth: number): Record<string, unknown> | string {
  const parsed = parseGuardedJson(text.trim() === '' ? '{}' : text, maxJsonDepth);
  if (!parsed.ok) return `"arguments": ${parsed.error}`;
  const value = parsed.value;
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : '"arguments" must be a JSON object';
}
