// Chat examples as token sequences for supervised fine-tuning: rendered turn by turn exactly as a
// token-level policy renders its own conversations, with the loss mask on assistant tokens only.

import { composeSystemPrompt } from '../agents/system-prompt.js';
import { formatToolsPrompt } from '../agents/tool-prompt.js';
import type { ChatRenderer } from '../conversation/chat-renderer.js';
import type { TokenSequence } from '../conversation/token-sequence.js';
import { tokenizeConversation } from '../conversation/tokenize-conversation.js';
import type { ToolDefinition } from '../conversation/tool-definition.js';
import type { ChatExample } from './chat-dataset.js';

/** Options of `tokenizeChatExamples`. */
export type TokenizeChatExamplesOptions = {
  readonly renderer: ChatRenderer;
  readonly examples: readonly ChatExample[];
  /** Writes the tools section of the system prompt when the renderer has no native slot; default Hermes. */
  readonly formatTools?: (tools: readonly ToolDefinition[]) => string;
};

/**
 * One TokenSequence per example (see `tokenizeConversation`): mask 1 on the tokens of assistant
 * messages with weight 1 (their completion and stop token), 0 on everything else. An example's tools
 * go through the renderer's native slot when it has one, else after the system prompt as
 * `formatTools` writes them, as ToolAgent's 'auto' mode shows them, so training matches inference.
 */
export function tokenizeChatExamples(options: TokenizeChatExamplesOptions): TokenSequence[] {
  const { renderer } = options;
  const formatTools = options.formatTools ?? formatToolsPrompt;
  return options.examples.map((example) => {
    const tools = example.tools !== undefined && example.tools.length > 0 ? example.tools : undefined;
    const native = tools !== undefined && renderer.supportsNativeTools;
    const messages =
      tools === undefined || native
        ? example.messages
        : composeSystemPrompt(example.messages, { after: formatTools(tools) });
    const sequence = tokenizeConversation({ renderer, messages, tools: native ? tools : undefined });
    const weights = example.assistantWeights;
    if (weights === undefined) return sequence;
    return { ...sequence, mask: sequence.mask.map((m, i) => m * (weights[sequence.turnIndex[i]] ?? 1)) };
  });
}
