// Our messages in the OpenAI chat-completions shape, and the reply read back from a response body.
// Without native tools, tool calls travel as `<tool_call>` text and tool results as user turns
// wrapped in `<tool_response>` (the Hermes convention), which any chat endpoint accepts.

import { z } from 'zod';
import type { AssistantMessage, Message, ToolCall } from '../conversation/messages.js';
import {
  formatAssistantText,
  parseToolCalls,
  type ToolCallParseFailure,
} from '../conversation/tool-call-format.js';
import type { FinishReason } from './policy.js';

/** A message as the chat-completions API takes it. */
export type OpenAIChatMessage =
  | { role: 'system' | 'user'; content: string }
  | {
      role: 'assistant';
      content: string;
      tool_calls?: { id: string; type: 'function'; function: { name: string; arguments: string } }[];
    }
  | { role: 'tool'; tool_call_id: string; content: string };

/** `messages` for a request; `nativeTools` says whether tool calls travel as API fields or as text. */
export function toOpenAIMessages(messages: readonly Message[], nativeTools: boolean): OpenAIChatMessage[] {
  return messages.map((message): OpenAIChatMessage => {
    switch (message.role) {
      case 'assistant': {
        const calls = message.toolCalls ?? [];
        if (calls.length === 0) return { role: 'assistant', content: message.content };
        if (!nativeTools) return { role: 'assistant', content: formatAssistantText(message) };
        return {
          role: 'assistant',
          content: message.content,
          tool_calls: calls.map((call) => ({
            id: call.id,
            type: 'function',
            function: { name: call.name, arguments: JSON.stringify(call.arguments) },
          })),
        };
      }
      case 'tool':
        if (nativeTools) return { role: 'tool', tool_call_id: message.toolCallId, content: message.content };
        return { role: 'user', content: `<tool_response>\n${message.content}\n</tool_response>` };
      default:
        return { role: message.role, content: message.content };
    }
  });
}

/** The parts of a chat-completions response we read; other fields are ignored. */
const ChatCompletionSchema = z.object({
  choices: z
    .array(
      z.object({
        finish_reason: z.string().nullish(),
        message: z.object({
          content: z.string().nullish(),
          tool_calls: z
            .array(
              z.object({
                id: z.string().nullish(),
                function: z.object({ name: z.string(), arguments: z.string() }),
              }),
            )
            .nullish(),
        }),
      }),
    )
    .min(1),
  usage: z.object({ prompt_tokens: z.number(), completion_tokens: z.number() }).nullish(),
});

/** A reply read from a response body. */
export type ChatCompletionReply = {
  readonly message: AssistantMessage;
  readonly parseFailures: readonly ToolCallParseFailure[];
  readonly finishReason: FinishReason;
  readonly usage?: { readonly promptTokens: number; readonly completionTokens: number };
};

/** Options of `readChatCompletion`. */
export type ReadChatCompletionOptions = {
  /** Prefix of ids given to calls that have none (followed by the call's index). */
  readonly idPrefix: string;
  /** Also parse `<tool_call>` blocks in the text when the response has no `tool_calls`. */
  readonly parseTextToolCalls: boolean;
};

/** Reads the first choice of a response body; `{ ok: false }` with the reason when it is malformed. */
export function readChatCompletion(
  body: unknown,
  options: ReadChatCompletionOptions,
):
  | { readonly ok: true; readonly value: ChatCompletionReply }
  | { readonly ok: false; readonly error: string } {
  const parsed = ChatCompletionSchema.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { ok: false, error: `${issue.path.join('.') || '(body)'}: ${issue.message}` };
  }
  const choice = parsed.data.choices[0];
  const text = choice.message.content ?? '';
  const toolCalls: ToolCall[] = [];
  const parseFailures: ToolCallParseFailure[] = [];
  (choice.message.tool_calls ?? []).forEach((call, index) => {
    const args = parseArguments(call.function.arguments);
    if (args === undefined) {
      parseFailures.push({
        raw: JSON.stringify({ name: call.function.name, arguments: call.function.arguments }),
        reason: '"arguments" is not a JSON object',
      });
      return;
    }
    toolCalls.push({
      id: call.id ?? `${options.idPrefix}${index}`,
      name: call.function.name,
      arguments: args,
    });
  });
  let content = text;
  if (options.parseTextToolCalls && (choice.message.tool_calls ?? []).length === 0) {
    const fromText = parseToolCalls(text, { idPrefix: options.idPrefix });
    content = fromText.content;
    toolCalls.push(...fromText.toolCalls);
    parseFailures.push(...fromText.failures);
  }
  const message: AssistantMessage =
    toolCalls.length > 0 ? { role: 'assistant', content, toolCalls } : { role: 'assistant', content };
  const usage = parsed.data.usage;
  return {
    ok: true,
    value: {
      message,
      parseFailures,
      finishReason: finishReason(choice.finish_reason),
      ...(usage
        ? { usage: { promptTokens: usage.prompt_tokens, completionTokens: usage.completion_tokens } }
        : {}),
    },
  };
}

function parseArguments(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text.trim() === '' ? '{}' : text);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

function finishReason(reason: string | null | undefined): FinishReason {
  return reason === 'stop' || reason === 'length' || reason === 'tool_calls' ? reason : 'other';
}
