// Supervised chat datasets as JSON Lines: one conversation per line, either in the OpenAI
// fine-tuning shape (`{"messages": [...], "tools"?: [...]}`, with tool_calls, tool messages and the
// optional per-assistant-message `weight`) or as one of our Trajectory lines.

import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { ConversationError } from '../conversation/conversation-error.js';
import type { Message, ToolCall } from '../conversation/messages.js';
import type { ToolDefinition } from '../conversation/tool-definition.js';
import { TrajectorySchema } from '../conversation/trajectory-schema.js';

/** One training conversation. */
export type ChatExample = {
  readonly messages: readonly Message[];
  /** Tools offered in the conversation (OpenAI `tools`), if any. */
  readonly tools?: readonly ToolDefinition[];
  /** Per assistant message, in order: 1 trains on it, 0 only conditions on it. Absent: all 1. */
  readonly assistantWeights?: readonly number[];
};

/** Where a dataset went wrong: the 1-based line and what is wrong there, naming the field. */
export type ChatDatasetLineError = { readonly line: number; readonly message: string };

/** The result of parsing chat JSONL. */
export type ChatDatasetParse =
  | { readonly ok: true; readonly value: ChatExample[] }
  | { readonly ok: false; readonly error: ChatDatasetLineError };

/** Text content: a string, null (assistant turns that only call tools), or OpenAI text parts. */
const ContentSchema = z.union([
  z.string(),
  z.null(),
  z.array(z.strictObject({ type: z.literal('text'), text: z.string() })),
]);

const ToolCallSchema = z.strictObject({
  id: z.string().min(1),
  type: z.literal('function').optional(),
  function: z.strictObject({
    name: z.string().min(1),
    /** A JSON object as text (the API's form) or as an object. */
    arguments: z.union([z.string(), z.record(z.string(), z.unknown())]),
  }),
});

const OpenAIMessageSchema = z.discriminatedUnion('role', [
  z.strictObject({ role: z.literal('system'), content: z.string(), name: z.string().optional() }),
  z.strictObject({ role: z.literal('user'), content: ContentSchema, name: z.string().optional() }),
  z.strictObject({
    role: z.literal('assistant'),
    content: ContentSchema.optional(),
    tool_calls: z.array(ToolCallSchema).optional(),
    name: z.string().optional(),
    weight: z.union([z.literal(0), z.literal(1)]).optional(),
  }),
  z.strictObject({
    role: z.literal('tool'),
    tool_call_id: z.string().min(1),
    content: ContentSchema,
    name: z.string().optional(),
  }),
]);

const FunctionToolSchema = z.strictObject({
  type: z.literal('function'),
  function: z.strictObject({
    name: z.string().min(1),
    description: z.string().default(''),
    parameters: z.record(z.string(), z.unknown()).default({ type: 'object', properties: {} }),
    strict: z.boolean().optional(),
  }),
});

/** One line in the OpenAI chat fine-tuning shape. */
export const OpenAIChatLineSchema = z.object({
  messages: z.array(OpenAIMessageSchema).min(1),
  tools: z.array(FunctionToolSchema).optional(),
  parallel_tool_calls: z.boolean().optional(),
});

type OpenAIChatLine = z.output<typeof OpenAIChatLineSchema>;

/**
 * Parses chat JSONL text (blank lines skipped). Each line is a Trajectory when it has `turns` and
 * `metadata`, else an OpenAI chat line. A line fails on invalid JSON, a field the schema rejects,
 * a tool message that answers no earlier tool call, tool-call arguments that are not a JSON object,
 * or a conversation without an assistant message; the first bad line is the error.
 */
export function parseChatJsonl(text: string): ChatDatasetParse {
  const examples: ChatExample[] = [];
  const lines = text.split('\n');
  for (let index = 0; index < lines.length; index++) {
    const source = lines[index].trim();
    if (source.length === 0) continue;
    const fail = (message: string): ChatDatasetParse => ({ ok: false, error: { line: index + 1, message } });
    let json: unknown;
    try {
      json = JSON.parse(source);
    } catch (error) {
      return fail(`invalid JSON: ${(error as Error).message}`);
    }
    const converted = isTrajectoryLine(json) ? trajectoryExample(json) : openAIExample(json);
    if (!converted.ok) return fail(converted.error);
    if (!converted.value.messages.some((message) => message.role === 'assistant'))
      return fail('messages: the conversation has no assistant message to train on');
    examples.push(converted.value);
  }
  return { ok: true, value: examples };
}

/** Where `readChatJsonl` reads from: a file, or JSONL text. */
export type ReadChatSource = { readonly path: string } | { readonly text: string };

/**
 * Reads a chat dataset. Throws ConversationError('invalid_trajectory') as `FILE:LINE: field: problem`
 * for the first malformed line, and for an empty dataset.
 */
export async function readChatJsonl(source: ReadChatSource): Promise<ChatExample[]> {
  const where = 'path' in source ? source.path : 'JSONL text';
  let text: string;
  try {
    text = 'path' in source ? await readFile(source.path, 'utf8') : source.text;
  } catch (error) {
    throw new ConversationError('invalid_trajectory', `cannot read chat dataset ${where}`, { cause: error });
  }
  const parsed = parseChatJsonl(text);
  if (!parsed.ok)
    throw new ConversationError(
      'invalid_trajectory',
      `${where}:${parsed.error.line}: ${parsed.error.message}`,
    );
  if (parsed.value.length === 0)
    throw new ConversationError('invalid_trajectory', `${where}: the dataset has no conversations`);
  return parsed.value;
}

type Converted =
  { readonly ok: true; readonly value: ChatExample } | { readonly ok: false; readonly error: string };

function isTrajectoryLine(json: unknown): boolean {
  return typeof json === 'object' && json !== null && 'turns' in json && 'metadata' in json;
}

function trajectoryExample(json: unknown): Converted {
  const parsed = TrajectorySchema.safeParse(json);
  if (!parsed.success) return { ok: false, error: issueText(parsed.error) };
  return { ok: true, value: { messages: parsed.data.messages } };
}

function openAIExample(json: unknown): Converted {
  const parsed = OpenAIChatLineSchema.safeParse(json);
  if (!parsed.success) return { ok: false, error: issueText(parsed.error) };
  return fromOpenAI(parsed.data);
}

/** Our messages from a validated OpenAI line: tool names resolved from the calls they answer. */
function fromOpenAI(line: OpenAIChatLine): Converted {
  const messages: Message[] = [];
  const weights: number[] = [];
  const callNames = new Map<string, string>();
  for (const [index, message] of line.messages.entries()) {
    const at = `messages[${index}]`;
    switch (message.role) {
      case 'system':
        messages.push({ role: 'system', content: message.content });
        break;
      case 'user':
        messages.push({ role: 'user', content: textOf(message.content) });
        break;
      case 'assistant': {
        const toolCalls: ToolCall[] = [];
        for (const [callIndex, toolCall] of (message.tool_calls ?? []).entries()) {
          const args = argumentsOf(toolCall.function.arguments);
          if (args === undefined) {
            return {
              ok: false,
              error: `${at}.tool_calls[${callIndex}].function.arguments: not a JSON object`,
            };
          }
          callNames.set(toolCall.id, toolCall.function.name);
          toolCalls.push({ id: toolCall.id, name: toolCall.function.name, arguments: args });
        }
        const content = textOf(message.content ?? null);
        messages.push(
          toolCalls.length > 0 ? { role: 'assistant', content, toolCalls } : { role: 'assistant', content },
        );
        weights.push(message.weight ?? 1);
        break;
      }
      case 'tool': {
        const name = message.name ?? callNames.get(message.tool_call_id);
        if (!callNames.has(message.tool_call_id) || name === undefined) {
          return {
            ok: false,
            error: `${at}.tool_call_id: no earlier assistant tool call has id "${message.tool_call_id}"`,
          };
        }
        messages.push({
          role: 'tool',
          toolCallId: message.tool_call_id,
          name,
          content: textOf(message.content),
        });
        break;
      }
    }
  }
  const tools = line.tools?.map((tool) => ({
    name: tool.function.name,
    description: tool.function.description,
    parameters: tool.function.parameters,
  }));
  return {
    ok: true,
    value: {
      messages,
      ...(tools === undefined ? {} : { tools }),
      ...(weights.every((weight) => weight === 1) ? {} : { assistantWeights: weights }),
    },
  };
}

function textOf(content: string | null | readonly { readonly text: string }[]): string {
  if (content === null) return '';
  return typeof content === 'string' ? content : content.map((part) => part.text).join('');
}

function argumentsOf(value: string | Record<string, unknown>): Record<string, unknown> | undefined {
  if (typeof value !== 'string') return value;
  try {
    const parsed: unknown = JSON.parse(value.trim() === '' ? '{}' : value);
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/** `messages[2].role: Invalid discriminator value…`: the first issue, with its path. */
function issueText(error: z.ZodError): string {
  const issue = error.issues[0];
  const path = issue.path
    .map((key, index) => (typeof key === 'number' ? `[${key}]` : `${index === 0 ? '' : '.'}${String(key)}`))
    .join('');
  return `${path || '(line)'}: ${issue.message}`;
}
