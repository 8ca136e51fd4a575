// Messages in the shape Hugging Face chat templates read (transformers' convention): snake_case
// `tool_calls` with `function.arguments` as an object, `tool_call_id` and `name` on tool results.

import type { Message } from './messages.js';
import { formatAssistantText } from './tool-call-format.js';

/** A message as a Jinja chat template sees it. */
export type TemplateMessage = {
  readonly role: string;
  readonly content: string;
  readonly tool_calls?: readonly {
    readonly id: string;
    readonly type: 'function';
    readonly function: { readonly name: string; readonly arguments: Readonly<Record<string, unknown>> };
  }[];
  readonly tool_call_id?: string;
  readonly name?: string;
};

/** Options of `toTemplateMessage`. */
export type TemplateMessageOptions = {
  /**
   * Write an assistant message's tool calls into its content as `<tool_call>` blocks, for templates
   * that ignore `tool_calls`. Otherwise they go in `tool_calls`.
   */
  readonly toolCallsInContent: boolean;
};

/** `message` in the transformers chat-template shape. */
export function toTemplateMessage(message: Message, options: TemplateMessageOptions): TemplateMessage {
  switch (message.role) {
    case 'assistant': {
      const calls = message.toolCalls ?? [];
      if (calls.length === 0) return { role: 'assistant', content: message.content };
      if (options.toolCallsInContent) return { role: 'assistant', content: formatAssistantText(message) };
      return {
        role: 'assistant',
        content: message.content,
        tool_calls: calls.map((call) => ({
          id: call.id,
          type: 'function',
          function: { name: call.name, arguments: call.arguments },
        })),
      };
    }
    case 'tool':
      return { role: 'tool', content: message.content, tool_call_id: message.toolCallId, name: message.name };
    default:
      return { role: message.role, content: message.content };
  }
}
