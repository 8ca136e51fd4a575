// The chat format of our from-scratch models over ByteTokenizer special tokens: every message is
// `<|role|>body<|end|>`. Assistant bodies carry tool calls as `<tool_call>` blocks; tool results open
// with a header line naming the tool and the call they answer.

import { TokenizerError } from '../errors.js';
import type { ByteTokenizer } from '../models/tokenizers/byte-tokenizer.js';
import type {
  ChatRenderer,
  ParseCompletionOptions,
  ParsedCompletion,
  RenderContext,
} from './chat-renderer.js';
import { ConversationError } from './conversation-error.js';
import type { AssistantMessage, Message, ToolMessage } from './messages.js';
import { formatAssistantText, parseToolCalls } from './tool-call-format.js';
import type { ToolDefinition } from './tool-definition.js';

/** The special tokens the byte chat format needs, by role. */
const ROLE_TOKENS = {
  system: '<|system|>',
  user: '<|user|>',
  assistant: '<|assistant|>',
  tool: '<|tool|>',
} as const;

/** Options of a byte chat renderer. */
export type ByteChatRendererOptions = {
  /** A tokenizer with `<|system|>`, `<|user|>`, `<|assistant|>`, `<|tool|>` and an end-of-turn token. */
  readonly tokenizer: ByteTokenizer;
};

/**
 * The first line of a tool result's body: `name [call id]`, plus ` error` when the tool failed.
 * The content follows on the next line.
 */
export function toolResultHeader(message: Pick<ToolMessage, 'name' | 'toolCallId' | 'isError'>): string {
  return `${message.name} [${message.toolCallId}]${message.isError === true ? ' error' : ''}`;
}

/**
 * Renders messages to ByteTokenizer ids. Message text is always encoded as bytes (special-token text
 * in content cannot forge control tokens); only the role and end markers are special ids.
 */
export class ByteChatRenderer implements ChatRenderer {
  readonly tokenizer: ByteTokenizer;
  readonly stopTokenIds: readonly number[];
  readonly supportsNativeTools = false;
  private readonly roleIds: Readonly<Record<Message['role'], number>>;
  private readonly endId: number;

  constructor(options: ByteChatRendererOptions) {
    this.tokenizer = options.tokenizer;
    const endId = this.tokenizer.endOfTurnTokenId;
    if (endId === undefined) {
      throw new TokenizerError('invalid_tokenizer', 'The byte chat format needs an end-of-turn token.');
    }
    const roleIds: Partial<Record<Message['role'], number>> = {};
    for (const [role, token] of Object.entries(ROLE_TOKENS) as [Message['role'], string][]) {
      const id = this.tokenizer.specialTokens.get(token);
      if (id === undefined) {
        throw new TokenizerError(
          'invalid_tokenizer',
          `The byte chat format needs the special token ${token}.`,
        );
      }
      roleIds[role] = id;
    }
    this.roleIds = roleIds as Record<Message['role'], number>;
    this.endId = endId;
    this.stopTokenIds = [endId];
  }

  renderMessages(context: RenderContext & { readonly added: readonly Message[] }): number[] {
    checkNoTools(context.tools);
    return context.added.flatMap((message) => this.renderMessage(message));
  }

  renderAssistantOpener(context: RenderContext): number[] {
    checkNoTools(context.tools);
    return [this.roleIds.assistant];
  }

  renderCompletion(context: RenderContext & { readonly message: AssistantMessage }): number[] {
    checkNoTools(context.tools);
    return [...this.tokenizer.encode(formatAssistantText(context.message)), this.endId];
  }

  parseCompletion(tokens: readonly number[], options: ParseCompletionOptions = {}): ParsedCompletion {
    const stopped = tokens.length > 0 && tokens[tokens.length - 1] === this.endId;
    const text = this.tokenizer.decode(stopped ? tokens.slice(0, -1) : tokens);
    const parsed = parseToolCalls(text, { idPrefix: options.toolCallIdPrefix });
    const message: AssistantMessage =
      parsed.toolCalls.length > 0
        ? { role: 'assistant', content: parsed.content, toolCalls: parsed.toolCalls }
        : { role: 'assistant', content: parsed.content };
    return { message, parseFailures: parsed.failures, text, stopped };
  }

  renderText(input: {
    readonly messages: readonly Message[];
    readonly tools?: readonly ToolDefinition[];
    readonly addGenerationPrompt?: boolean;
  }): string {
    const ids = this.renderMessages({ history: [], added: input.messages, tools: input.tools });
    if (input.addGenerationPrompt === true) ids.push(this.roleIds.assistant);
    return this.tokenizer.decode(ids);
  }

  private renderMessage(message: Message): number[] {
    return [this.roleIds[message.role], ...this.tokenizer.encode(messageBody(message)), this.endId];
  }
}

function messageBody(message: Message): string {
  switch (message.role) {
    case 'assistant':
      return formatAssistantText(message);
    case 'tool':
      return `${toolResultHeader(message)}\n${message.content}`;
    default:
      return message.content;
  }
}

function checkNoTools(tools: readonly ToolDefinition[] | undefined): void {
  if (tools !== undefined && tools.length > 0) {
    throw new ConversationError(
      'invalid_argument',
      'The byte chat format has no native tool slot; describe the tools in the system prompt instead.',
    );
  }
}
