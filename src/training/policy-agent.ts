// The agent a byte-level policy plays in training and evaluation: a ToolAgent over a LocalPolicy with
// the tools described in its system prompt, and a context window that leaves room for one reply.

import { rendererTokenCounter } from '../agents/context-window.js';
import { LocalPolicy } from '../agents/local-policy.js';
import { formatToolsPrompt } from '../agents/tool-prompt.js';
import { ToolAgent } from '../agents/tool-agent.js';
import type { TrainingBackend } from '../backends/training-backend.js';
import type { ChatRenderer } from '../conversation/chat-renderer.js';
import type { ToolDefinition } from '../conversation/tool-definition.js';
import { anyOf, maxTurns, userStop, type StopCondition } from '../environments/stop-conditions.js';
import type { LanguageModel } from '../models/language-model.js';

/** How tools are described: 'compact' (one line each, short enough for tiny models) or 'hermes'. */
export type ToolPromptStyle = 'compact' | 'hermes';

/**
 * One line per tool, `name(argument, …): description`, and the call format: about a quarter of the
 * Hermes text, which matters when every prompt byte is a token of a tiny model's context.
 */
export function compactToolsPrompt(tools: readonly ToolDefinition[]): string {
  const lines = tools.map((tool) => {
    const properties = tool.parameters.properties;
    const names = typeof properties === 'object' && properties !== null ? Object.keys(properties) : [];
    return `${tool.name}(${names.join(', ')}): ${tool.description}`;
  });
  return [
    'Tools:',
    ...lines,
    'Call a tool with <tool_call>\n{"name": <tool name>, "arguments": <arguments object>}\n</tool_call>',
  ].join('\n');
}

/** Options of `createPolicyAgent`. */
export type PolicyAgentOptions = {
  /** The model, directly or through a training backend that samples its current weights. */
  readonly backend: LanguageModel | Pick<TrainingBackend, 'sample'>;
  readonly renderer: ChatRenderer;
  readonly tools: readonly ToolDefinition[];
  /** The model's context length: the conversation is cut to leave `maxNewTokens` for the reply. */
  readonly contextLength: number;
  readonly maxNewTokens: number;
  readonly temperature: number;
  /** Seed of the policy's sampling stream (forks draw their own from it). */
  readonly seed: number;
  readonly toolPrompt: ToolPromptStyle;
};

/** A ToolAgent over a LocalPolicy, tools in the system prompt; fork it once per conversation. */
export function createPolicyAgent(options: PolicyAgentOptions): ToolAgent {
  const { renderer, contextLength, maxNewTokens } = options;
  return new ToolAgent({
    policy: new LocalPolicy({
      backend: options.backend,
      renderer,
      sampling: { maxNewTokens, temperature: options.temperature },
      contextLength,
      seed: options.seed,
    }),
    tools: options.tools,
    toolPrompt: 'system',
    formatTools: options.toolPrompt === 'compact' ? compactToolsPrompt : formatToolsPrompt,
    contextWindow: {
      maxTokens: Math.max(1, contextLength - maxNewTokens),
      countTokens: rendererTokenCounter(renderer),
    },
  });
}

/** When a training or evaluation episode ends: the user stops, or the agent has taken `turns` turns. */
export function episodeStop(turns: number): StopCondition {
  return anyOf(userStop(), maxTurns(turns));
}
