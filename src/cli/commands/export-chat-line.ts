// A conversation as one line of OpenAI chat fine-tuning JSONL, the shape `sft --data` reads
// (training/chat-dataset.ts): snake_case tool calls with arguments as JSON text.

import type { Message } from '../../conversation/messages.js';

/** A message in the OpenAI chat shape. */
export type OpenAIChatMessage =
  | { readonly role: 'system' | 'user'; readonly content: string }
  | {
      readonly role: 'assistant';
      readonly content: string;
      readonly tool_calls?: readonly {
        readonly id: string;
        readonly type: 'function';
        readonly function: { readonly name: string; readonly arguments: string };
      }[];
    }
  | { readonly role: 'tool'; readonly tool_call_id: string; readonly name: string; readonly content: string };

/** `{"messages": [...]}` for one conversation. */
export function chatLine(messages: readonly Message[]): { readonly messages: readonly OpenAIChatMessage[] } {
  return { messages: messages.map(openAIMessage) };
}

function openAIMessage(message: Message): OpenAIChatMessage {
  switch (message.role) {
    case 'system':
    case 'user':
      return { role: message.role, content: message.content };
    case 'assistant':
      if (message.toolCalls === undefined || message.toolCalls.length === 0) {
        return { role: 'assistant', content: message.content };
      }
      return {
        role: 'assistant',
        content: message.content,
        tool_calls: message.toolCalls.map((call) => ({
          id: call.id,
          type: 'function',
          function: { name: call.name, arguments: JSON.stringify(call.arguments) },
        })),
      };
    case 'tool':
      // `isError` has no OpenAI field; the error text is in the content the model saw.
      return { role: 'tool', tool_call_id: message.toolCallId, name: message.name, content: message.content };
  }
}
