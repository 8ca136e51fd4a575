// The prompt a served byte-level model sees, rendered exactly as training renders its agent's turns:
// tools described in the system prompt, the oldest turns dropped to leave room for the reply.

import { rendererTokenCounter } from '../../agents/context-window.js';
import { shapePrompt } from '../../agents/policy-turn.js';
import { formatToolsPrompt } from '../../agents/tool-prompt.js';
import type { ChatRenderer } from '../../conversation/chat-renderer.js';
import type { Message } from '../../conversation/messages.js';
import type { ToolDefinition } from '../../conversation/tool-definition.js';
import { compactToolsPrompt, type ToolPromptStyle } from '../../training/policy-agent.js';
import { BackendError } from './backend-error.js';

/** What to render. */
export type LocalPromptOptions = {
  readonly renderer: ChatRenderer;
  readonly messages: readonly Message[];
  readonly tools: readonly ToolDefinition[];
  /** How the tools are described; use what the model was trained with. */
  readonly toolPrompt: ToolPromptStyle;
  readonly contextLength: number;
  /** The reply length asked for. */
  readonly maxTokens: number;
};

/** A rendered prompt and the reply length that fits after it. */
export type LocalPrompt = {
  /** Token ids: the shaped conversation, then the assistant opener. */
  readonly tokens: readonly number[];
  /** The messages rendered (system prompt composed, oldest turns dropped). */
  readonly messages: readonly Message[];
  /** `maxTokens` capped by what is left of the context. */
  readonly maxNewTokens: number;
};

/**
 * Renders the conversation as `createPolicyAgent`'s agent would on its first turn: tools appended to
 * the system prompt, the context window set to leave min(maxTokens, context/2) tokens for the reply.
 * Throws BackendError('sequence_too_long') when even the latest turn leaves no room.
 */
export function renderLocalPrompt(options: LocalPromptOptions): LocalPrompt {
  const { renderer, tools, contextLength, maxTokens } = options;
  const reserve = Math.min(maxTokens, Math.floor(contextLength / 2));
  const formatTools = options.toolPrompt === 'compact' ? compactToolsPrompt : formatToolsPrompt;
  const messages = shapePrompt(options.messages, {
    systemSuffix: tools.length > 0 ? formatTools(tools) : undefined,
    contextWindow: {
      maxTokens: Math.max(1, contextLength - reserve),
      countTokens: rendererTokenCounter(renderer),
    },
  });
  const tokens = [
    ...renderer.renderMessages({ history: [], added: messages }),
    ...renderer.renderAssistantOpener({ history: messages }),
  ];
  const room = contextLength - tokens.length;
  if (room < 1) {
    throw new BackendError(
      'sequence_too_long',
      `The conversation renders to ${tokens.length} tokens even without its older turns; the model context is ${contextLength}.`,
    );
  }
  return { tokens, messages, maxNewTokens: Math.min(maxTokens, room) };
}
