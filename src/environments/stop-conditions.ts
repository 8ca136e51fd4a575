// Composable stop conditions, checked by the episode runner after every environment step. The
// environment can also end an episode itself (EnvironmentStep.stop); that always wins.

import type { AgentTurn } from '../agents/agent.js';
import type { Message } from '../conversation/messages.js';
import type { StopReason, TurnRecord } from '../conversation/trajectory.js';
import { isStopMessage } from './users/simulated-user.js';

/** What a stop condition sees after a step. */
export type EpisodeView = {
  readonly messages: readonly Message[];
  readonly turns: readonly TurnRecord[];
  /** The agent turn just taken and the messages the environment answered it with. */
  readonly lastTurn: AgentTurn;
  readonly lastMessages: readonly Message[];
  /** Tool errors so far, all steps. */
  readonly toolErrors: number;
};

/** Returns the reason to stop, or undefined to go on. */
export type StopCondition = (view: EpisodeView) => StopReason | undefined;

/** Stops once the agent has taken `limit` turns. */
export function maxTurns(limit: number): StopCondition {
  return (view) => (view.turns.length >= limit ? 'max_turns' : undefined);
}

/** Stops when the simulated user's latest message carries `###STOP###`. */
export function userStop(): StopCondition {
  return (view) =>
    view.lastMessages.some((message) => message.role === 'user' && isStopMessage(message.content))
      ? 'user_stop'
      : undefined;
}

/** Stops when the agent called one of the named tools (transfer_to_human_agents, say). */
export function terminalTool(names: readonly string[]): StopCondition {
  const terminal = new Set(names);
  return (view) =>
    (view.lastTurn.message.toolCalls ?? []).some((call) => terminal.has(call.name))
      ? 'terminal_tool'
      : undefined;
}

/** Stops once the episode has `limit` tool errors. */
export function toolErrorLimit(limit: number): StopCondition {
  return (view) => (view.toolErrors >= limit ? 'tool_error_limit' : undefined);
}

/** Stops once the agent's turns have generated `limit` completion tokens in all (token-level agents only). */
export function tokenBudget(limit: number): StopCondition {
  return (view) => (completionTokens(view.turns) >= limit ? 'token_budget' : undefined);
}

/** The first reason any of the conditions gives, checked in order. */
export function anyOf(...conditions: readonly StopCondition[]): StopCondition {
  return (view) => {
    for (const condition of conditions) {
      const reason = condition(view);
      if (reason !== undefined) return reason;
    }
    return undefined;
  };
}

/** Completion tokens generated over the turns (0 for turns without token records). */
export function completionTokens(turns: readonly TurnRecord[]): number {
  return turns.reduce((sum, turn) => sum + (turn.tokens?.completion.length ?? 0), 0);
}

/** The runner's default: τ-bench's 30 agent steps, or the user's stop. */
export const DEFAULT_STOP: StopCondition = anyOf(userStop(), maxTurns(30));
