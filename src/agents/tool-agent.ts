// An agent that uses tools: their schemas reach the model through the policy's native tool slot (the
// API `tools` field, a template's `tools`) or, for models without one, the system prompt; the
// policy parses the calls, and malformed ones come back as parse failures for the environment.

import type { Message } from '../conversation/messages.js';
import type { ToolDefinition } from '../conversation/tool-definition.js';
import { AgentError } from './agent-error.js';
import type { Agent, AgentInput, AgentTurn } from './agent.js';
import type { ContextWindow } from './context-window.js';
import type { Policy } from './policy.js';
import { policyTurn, shapePrompt, type PromptShaping } from './policy-turn.js';
import { formatToolsPrompt } from './tool-prompt.js';

/** Where tool schemas go: the native slot, the system prompt, or whichever the policy supports. */
export type ToolPromptMode = 'auto' | 'native' | 'system';

/** Options of a tool agent. */
export type ToolAgentOptions = {
  readonly policy: Policy;
  /** Tools to offer (environment tools satisfy ToolDefinition). */
  readonly tools: readonly ToolDefinition[];
  /** Default `tool:<policy name>`. */
  readonly name?: string;
  /** Instructions placed before the conversation's own system message. */
  readonly systemPrompt?: string;
  /** Default 'auto': native when `policy.supportsNativeTools`, else the system prompt. */
  readonly toolPrompt?: ToolPromptMode;
  /** Writes the tools section of the system prompt; default `formatToolsPrompt` (Hermes wording). */
  readonly formatTools?: (tools: readonly ToolDefinition[]) => string;
  /** As for MultiTurnAgent; the tools section counts against it in 'system' mode. */
  readonly contextWindow?: ContextWindow;
};

/** An Agent that offers tools to its policy. */
export class ToolAgent implements Agent {
  readonly name: string;
  /** Where the tool schemas go, resolved from `toolPrompt`. */
  readonly toolPrompt: 'native' | 'system';
  private readonly shaping: PromptShaping;

  constructor(private readonly options: ToolAgentOptions) {
    this.name = options.name ?? `tool:${options.policy.name}`;
    const mode = options.toolPrompt ?? 'auto';
    if (mode === 'native' && !options.policy.supportsNativeTools) {
      throw new AgentError(
        'invalid_argument',
        `Policy ${options.policy.name} has no native tool slot; use toolPrompt 'system' or 'auto'.`,
      );
    }
    this.toolPrompt = mode === 'auto' ? (options.policy.supportsNativeTools ? 'native' : 'system') : mode;
    const inSystem = this.toolPrompt === 'system' && options.tools.length > 0;
    this.shaping = {
      systemPrompt: options.systemPrompt,
      systemSuffix: inSystem ? (options.formatTools ?? formatToolsPrompt)(options.tools) : undefined,
      contextWindow: options.contextWindow,
    };
  }

  act(input: AgentInput): Promise<AgentTurn> {
    return policyTurn({
      policy: this.options.policy,
      messages: input.messages,
      shaping: this.shaping,
      tools: this.toolPrompt === 'native' && this.options.tools.length > 0 ? this.options.tools : undefined,
      signal: input.signal,
    });
  }

  /** The messages the policy sees for a conversation (tools in the system prompt in 'system' mode). */
  promptMessages(messages: readonly Message[]): readonly Message[] {
    return shapePrompt(messages, this.shaping);
  }

  fork(): ToolAgent {
    return new ToolAgent({ ...this.options, policy: this.options.policy.fork() });
  }
}
