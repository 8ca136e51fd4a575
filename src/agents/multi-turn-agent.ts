// A conversational agent over a Policy: its own system prompt, the conversation as history, and a
// context window that drops the oldest turns when the conversation outgrows it.

import type { Message } from '../conversation/messages.js';
import type { Agent, AgentInput, AgentTurn } from './agent.js';
import type { ContextWindow } from './context-window.js';
import type { Policy } from './policy.js';
import { policyTurn, shapePrompt } from './policy-turn.js';

/** Options of a multi-turn agent. */
export type MultiTurnAgentOptions = {
  readonly policy: Policy;
  /** Default `multi-turn:<policy name>`. */
  readonly name?: string;
  /** Instructions placed before the conversation's own system message (joined by a blank line). */
  readonly systemPrompt?: string;
  /**
   * Budget of what the policy sees: the oldest non-system turns (a user message and what follows it)
   * are dropped until it fits; system messages and the latest turn are always kept. With a local
   * policy, a truncated conversation is re-rendered and its turn starts a new token sequence.
   */
  readonly contextWindow?: ContextWindow;
};

/** An Agent that answers with its policy; tool calls the policy makes are passed through. */
export class MultiTurnAgent implements Agent {
  readonly name: string;

  constructor(private readonly options: MultiTurnAgentOptions) {
    this.name = options.name ?? `multi-turn:${options.policy.name}`;
  }

  act(input: AgentInput): Promise<AgentTurn> {
    return policyTurn({
      policy: this.options.policy,
      messages: input.messages,
      shaping: this.options,
      signal: input.signal,
    });
  }

  /** The messages the policy sees for a conversation (system prompt composed, context window applied). */
  promptMessages(messages: readonly Message[]): readonly Message[] {
    return shapePrompt(messages, this.options);
  }

  fork(): MultiTurnAgent {
    return new MultiTurnAgent({ ...this.options, policy: this.options.policy.fork() });
  }
}
