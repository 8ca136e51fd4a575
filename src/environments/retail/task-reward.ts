// τ-bench's retail reward (TOOLS.md, "Episode and reward"): 1 when the final database equals the
// gold replay's (canonical hash) and every required output string was said by the agent, else 0.

import type { Trajectory } from '../../conversation/trajectory.js';
import { EnvironmentError } from '../../errors.js';
import type { RetailState } from './environment.js';

/** What the reward sees: the RewardContext shape of src/rewards, with the retail final state. */
export type RetailOutcome = {
  readonly trajectory: Trajectory;
  readonly finalState?: RetailState;
};

/** Stop reasons under which the task counts as finished; any other end (30 turns, timeout, …) scores 0. */
export const FINISHED_STOP_REASONS: readonly string[] = ['user_stop', 'terminal_tool'];

/** 1 when the final database's canonical hash equals the gold replay's, else 0. */
export function databaseMatchesGold(outcome: RetailOutcome): number {
  const state = stateOf(outcome);
  return state.scenario.hashDatabase(state.world) === state.scenario.goldHash ? 1 : 0;
}

/**
 * 1 when every required output, lower-cased, occurs in some assistant message that was lower-cased
 * with its commas removed (τ-bench's rule; the output itself keeps its commas); 1 when none are required.
 */
export function requiredOutputsSaid(outcome: RetailOutcome): number {
  const said = outcome.trajectory.messages
    .filter((message) => message.role === 'assistant')
    .map((message) => message.content.toLowerCase().replaceAll(',', ''));
  const outputs = stateOf(outcome).scenario.task.outputs;
  return outputs.every((output) => said.some((text) => text.includes(output.toLowerCase()))) ? 1 : 0;
}

/** The paper's 0/1 task success: finished, database matches the gold replay, and outputs said. */
export function retailTaskScore(outcome: RetailOutcome): number {
  if (!FINISHED_STOP_REASONS.includes(outcome.trajectory.metadata.stopReason)) return 0;
  return databaseMatchesGold(outcome) * requiredOutputsSaid(outcome);
}

/** `retailTaskScore` as a named reward; structurally a RewardFunction<RetailState> for src/rewards. */
export const retailTaskSuccess = {
  name: 'retail_task_success',
  score: retailTaskScore,
} as const;

function stateOf(outcome: RetailOutcome): RetailState {
  if (outcome.finalState === undefined) {
    throw new EnvironmentError('invalid_argument', 'the retail reward needs the episode final state');
  }
  return outcome.finalState;
}
