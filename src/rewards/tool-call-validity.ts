// Tool-call validity: the fraction of the agent's tool calls that the environment accepted.

import { defineReward } from './define-reward.js';
import type { RewardFunction } from './reward-function.js';
import { toolMessages } from './trajectory-views.js';

/** Options of `toolCallValidity`. */
export type ToolCallValidityOptions = {
  /** Reward name; defaults to 'tool_call_validity'. */
  readonly name?: string;
};

/**
 * Valid tool results / all tool results: a tool message counts as valid unless `isError` is true.
 * Tool messages are the unit because the environment answers every call, including output that
 * failed to parse as a call and so never became a `ToolCall`. `undefined` when no tool was called.
 */
export function toolCallValidity<TState = unknown>(
  options: ToolCallValidityOptions = {},
): RewardFunction<TState> {
  return defineReward<TState>({
    name: options.name ?? 'tool_call_validity',
    score({ trajectory }) {
      const results = toolMessages(trajectory);
      if (results.length === 0) return undefined;
      return results.filter((result) => result.isError !== true).length / results.length;
    },
  });
}
