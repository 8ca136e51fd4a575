// Chat messages, discriminated on `role`, with tool calls on assistant messages and tool results as
// their own messages (the OpenAI chat shape, camel-cased).

/** A tool call the assistant made: the tool's name and its arguments as parsed JSON. */
export type ToolCall = {
  readonly id: string;
  readonly name: string;
  readonly arguments: Readonly<Record<string, unknown>>;
};

/** The system prompt (policy, tool descriptions). */
export type SystemMessage = { readonly role: 'system'; readonly content: string };

/** What the user (real or simulated) said. */
export type UserMessage = { readonly role: 'user'; readonly content: string };

/** What the assistant said, and the tools it called, if any. */
export type AssistantMessage = {
  readonly role: 'assistant';
  readonly content: string;
  readonly toolCalls?: readonly ToolCall[];
};

/** A tool's result, answering one tool call. `isError` marks invalid arguments and tool failures. */
export type ToolMessage = {
  readonly role: 'tool';
  readonly toolCallId: string;
  readonly name: string;
  readonly content: string;
  readonly isError?: boolean;
};

/** Any message of a conversation. */
export type Message = SystemMessage | UserMessage | AssistantMessage | ToolMessage;

/** The roles a message can have. */
export type Role = Message['role'];
