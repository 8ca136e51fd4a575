// The tool-call text format of Hermes 2 Pro and Qwen 2.5: each call is a block
// `<tool_call>\n{"name": "…", "arguments": {…}}\n</tool_call>` after the message text.
// Parsing never throws: each block that is not a valid call becomes a ToolCallParseFailure.

import type { ToolCall } from './messages.js';
import { toJsonText } from './json-text.js';

/** Text that opens a tool-call block. */
export const TOOL_CALL_OPEN = '<tool_call>';
/** Text that closes a tool-call block. */
export const TOOL_CALL_CLOSE = '</tool_call>';

/** A model output that was meant as a tool call but could not be parsed. */
export type ToolCallParseFailure = {
  /** The block as the model wrote it, tags included. */
  readonly raw: string;
  readonly reason: string;
};

/** What parsing a model's text gives: the text without its valid call blocks, the calls, the failures. */
export type ToolCallParse = {
  readonly content: string;
  readonly toolCalls: readonly ToolCall[];
  readonly failures: readonly ToolCallParseFailure[];
};

/** Options of `parseToolCalls`. */
export type ParseToolCallsOptions = {
  /** Ids are this prefix followed by the call's index in the text. Default `'call_'`. */
  readonly idPrefix?: string;
};

/** One call as a `<tool_call>` block, arguments spaced like Python's `json.dumps`. */
export function formatToolCall(call: Pick<ToolCall, 'name' | 'arguments'>): string {
  const json = `{"name": ${JSON.stringify(call.name)}, "arguments": ${toJsonText(call.arguments)}}`;
  return `${TOOL_CALL_OPEN}\n${json}\n${TOOL_CALL_CLOSE}`;
}

/** Calls as blocks joined by newlines (empty for none). */
export function formatToolCalls(calls: readonly Pick<ToolCall, 'name' | 'arguments'>[]): string {
  return calls.map(formatToolCall).join('\n');
}

/**
 * The text a model writes for an assistant message: its content, then its tool-call blocks, joined by
 * newlines (the content is left out when empty). `parseToolCalls` inverts it exactly.
 */
export function formatAssistantText(message: {
  readonly content: string;
  readonly toolCalls?: readonly Pick<ToolCall, 'name' | 'arguments'>[];
}): string {
  const parts = message.content.length > 0 ? [message.content] : [];
  for (const call of message.toolCalls ?? []) parts.push(formatToolCall(call));
  return parts.join('\n');
}

/**
 * Finds the `<tool_call>` blocks of `text`. Valid blocks become calls and leave the content together
 * with the newline before each (and whitespace-only text between or after them); invalid or unclosed
 * blocks stay in the content verbatim and are reported as failures. For text that
 * `formatAssistantText` wrote, content and calls are exactly what it was given.
 */
export function parseToolCalls(text: string, options: ParseToolCallsOptions = {}): ToolCallParse {
  const idPrefix = options.idPrefix ?? 'call_';
  const toolCalls: ToolCall[] = [];
  const failures: ToolCallParseFailure[] = [];
  let content = '';
  let afterCall = false;
  let cursor = 0;
  for (;;) {
    const open = text.indexOf(TOOL_CALL_OPEN, cursor);
    if (open < 0) break;
    let before = text.slice(cursor, open);
    const close = text.indexOf(TOOL_CALL_CLOSE, open + TOOL_CALL_OPEN.length);
    if (close < 0) {
      const raw = text.slice(open);
      failures.push({ raw, reason: `unclosed ${TOOL_CALL_OPEN} block (no ${TOOL_CALL_CLOSE})` });
      content += before + raw;
      afterCall = false;
      cursor = text.length;
      break;
    }
    const end = close + TOOL_CALL_CLOSE.length;
    const raw = text.slice(open, end);
    const parsed = parseBlock(text.slice(open + TOOL_CALL_OPEN.length, close));
    if (parsed.ok) {
      if (before.endsWith('\n')) before = before.slice(0, -1);
      if (afterCall && before.trim() === '') before = '';
      content += before;
      toolCalls.push({ id: `${idPrefix}${toolCalls.length}`, ...parsed.value });
      afterCall = true;
    } else {
      failures.push({ raw, reason: parsed.error });
      content += before + raw;
      afterCall = false;
    }
    cursor = end;
  }
  const tail = text.slice(cursor);
  content += afterCall && tail.trim() === '' ? '' : tail;
  return { content, toolCalls, failures };
}

type BlockParse =
  | { readonly ok: true; readonly value: Omit<ToolCall, 'id'> }
  | { readonly ok: false; readonly error: string };

/** One block's JSON: an object with a non-empty string `name` and an object `arguments` (or none). */
function parseBlock(body: string): BlockParse {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch (error) {
    return { ok: false, error: `invalid JSON: ${(error as Error).message}` };
  }
  if (!isPlainObject(json)) return { ok: false, error: 'expected a JSON object with "name" and "arguments"' };
  const { name } = json;
  if (typeof name !== 'string' || name.length === 0) {
    return { ok: false, error: '"name" must be a non-empty string' };
  }
  let args: unknown = json.arguments ?? {};
  if (typeof args === 'string') {
    // Some models encode the arguments object as a JSON string, as the OpenAI API does.
    try {
      args = JSON.parse(args);
    } catch {
      return { ok: false, error: '"arguments" is a string that is not a JSON object' };
    }
  }
  if (!isPlainObject(args)) return { ok: false, error: '"arguments" must be a JSON object' };
  return { ok: true, value: { name, arguments: args } };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
