// The body of `POST /v1/chat/completions`, as the OpenAI API defines it, with the server's limits.
// Parameters we cannot honour are refused with a clear 400, never silently ignored.

import { z } from 'zod';
import type { ServeConfig } from './serve-config.js';

/** The limits a chat body is checked against. */
export type ChatLimits = Pick<ServeConfig, 'maxMessages' | 'maxMessageChars' | 'maxTools' | 'maxTokensLimit'>;

const TOOL_NAME = /^[A-Za-z0-9_-]{1,64}$/;

/** The chat request schema under `limits`. */
export function chatRequestSchema(limits: ChatLimits) {
  const text = z.string().max(limits.maxMessageChars, `longer than ${limits.maxMessageChars} characters`);
  const part = z.object({ type: z.literal('text', 'only text content parts are supported'), text });
  const content = z.union([text, z.array(part).max(256)]);
  const toolCall = z.object({
    id: z.string().min(1).max(128),
    type: z.literal('function'),
    function: z.object({ name: z.string().regex(TOOL_NAME, 'not a valid tool name'), arguments: text }),
  });
  const message = z.discriminatedUnion('role', [
    z.object({ role: z.enum(['system', 'developer']), content, name: z.string().optional() }),
    z.object({ role: z.literal('user'), content, name: z.string().optional() }),
    z.object({
      role: z.literal('assistant'),
      content: content.nullish(),
      tool_calls: z.array(toolCall).max(limits.maxTools).optional(),
      name: z.string().optional(),
    }),
    z.object({
      role: z.literal('tool'),
      content,
      tool_call_id: z.string().min(1).max(128),
      name: z.string().optional(),
    }),
  ]);
  const tool = z.object({
    type: z.literal('function'),
    function: z.object({
      name: z.string().regex(TOOL_NAME, 'tool names are 1–64 of A-Za-z0-9_-'),
      description: z.string().max(limits.maxMessageChars).optional(),
      parameters: z.record(z.string(), z.unknown()).optional(),
      strict: z.boolean().nullish(),
    }),
  });
  const maxTokens = z.number().int().min(1).max(limits.maxTokensLimit, `at most ${limits.maxTokensLimit}`);
  const zeroOnly = (name: string) =>
    z.number().refine((value) => value === 0, `${name} is not supported (only 0)`);
  return z.strictObject({
    model: z.string().min(1).max(256),
    messages: z
      .array(message)
      .min(1, 'send at least one message')
      .max(limits.maxMessages, `at most ${limits.maxMessages} messages`),
    tools: z.array(tool).max(limits.maxTools, `at most ${limits.maxTools} tools`).optional(),
    tool_choice: z.enum(['auto', 'none'], 'only "auto" and "none" are supported').optional(),
    parallel_tool_calls: z.boolean().optional(),
    temperature: z.number().min(0).max(2).nullish(),
    top_p: z.number().gt(0).max(1).nullish(),
    max_tokens: maxTokens.nullish(),
    max_completion_tokens: maxTokens.nullish(),
    stop: z.union([z.string().min(1).max(256), z.array(z.string().min(1).max(256)).max(4)]).nullish(),
    seed: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).nullish(),
    logprobs: z.boolean().nullish(),
    top_logprobs: z
      .number()
      .int()
      .refine((value) => value === 0, 'top_logprobs is not supported: only the sampled token has a logprob')
      .nullish(),
    n: z.literal(1, 'only n=1 is supported').nullish(),
    stream: z.boolean().nullish(),
    stream_options: z.object({ include_usage: z.boolean().optional() }).nullish(),
    presence_penalty: zeroOnly('presence_penalty').nullish(),
    frequency_penalty: zeroOnly('frequency_penalty').nullish(),
    response_format: z
      .object({ type: z.literal('text', 'only the text response format is supported') })
      .optional(),
    user: z.string().max(256).optional(),
    metadata: z.record(z.string(), z.string().max(512)).optional(),
    store: z.boolean().nullish(),
  });
}

/** A validated chat request body. */
export type ChatRequestBody = z.output<ReturnType<typeof chatRequestSchema>>;
