// The environment contract: reset with a seed to an initial state and opening messages, then answer
// each assistant turn with user or tool messages and a new state.

import type { AgentTurn } from '../agents/agent.js';
import type { Message } from '../conversation/messages.js';
import type { StopReason } from '../conversation/trajectory.js';
import type { Tool } from './tool.js';

/** What reset returns: the state and the opening messages (system prompt, first user message). */
export type EnvironmentReset<TState> = {
  readonly state: TState;
  readonly messages: readonly Message[];
  readonly scenarioId: string;
};

/** What a step returns: messages for the agent, the new state, and whether the episode ended. */
export type EnvironmentStep<TState> = {
  readonly state: TState;
  readonly messages: readonly Message[];
  /** Set when the environment itself ends the episode (user said stop, terminal tool). */
  readonly stop?: StopReason;
  /** Tool calls in this step that were invalid or failed. */
  readonly toolErrors: number;
  /** The same errors by kind ('unknown_tool', 'invalid_arguments', 'tool_error', …), when known. */
  readonly toolErrorCounts?: Readonly<Record<string, number>>;
};

/** Options of a reset. */
export type ResetOptions = {
  /** Seeds the scenario choice (when no scenario is given) and the simulated user. */
  readonly seed: number;
  /** Run this scenario; otherwise one is drawn from the split with the seed. */
  readonly scenarioId?: string;
  readonly split?: string;
  readonly signal?: AbortSignal;
};

/** A multi-turn environment with a simulated user and tools over a state of type TState. */
export interface Environment<TState> {
  readonly name: string;
  readonly tools: readonly Tool<TState>[];
  /** Scenario ids of a split ('train', 'dev', 'test' …). */
  scenarioIds(split: string): readonly string[];
  reset(options: ResetOptions): Promise<EnvironmentReset<TState>>;
  step(
    state: TState,
    turn: AgentTurn,
    options?: { readonly signal?: AbortSignal },
  ): Promise<EnvironmentStep<TState>>;
}
