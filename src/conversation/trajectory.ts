// Trajectories: a conversation with the exact tokens the policy saw and produced, the sampling
// logprob of each generated token, and a loss mask that is 1 only on generated tokens.

import type { Message } from './messages.js';

/** The token-level record of one assistant turn, as the agent's policy produced it. */
export type TurnTokens = {
  /** Tokens appended before generation (new user/tool messages, the assistant header): mask 0. */
  readonly prompt: readonly number[];
  /** Tokens the policy sampled, including its end-of-turn token: mask 1. */
  readonly completion: readonly number[];
  /** Sampling logprob of each completion token. */
  readonly logprobs: readonly number[];
  /**
   * True when `prompt` starts a new token stream instead of continuing the previous turns' tokens
   * (the policy re-rendered the conversation, e.g. after context-window truncation). Absent: it continues.
   */
  readonly newSequence?: boolean;
};

/** One assistant turn of a trajectory: where its message is, its tokens, and its reward if any. */
export type TurnRecord = {
  /** Index of the assistant message in `messages`. */
  readonly messageIndex: number;
  /** Token-level record; absent for agents without a token-level policy (scripted, remote text APIs). */
  readonly tokens?: TurnTokens;
  /** Reward given to this turn (multi-turn credit assignment); absent when none. */
  readonly reward?: number;
};

/** Why an episode ended. */
export type StopReason =
  | 'user_stop'
  | 'max_turns'
  | 'terminal_tool'
  | 'tool_error_limit'
  | 'token_budget'
  | 'agent_error'
  | 'timeout';

/** Facts about how a trajectory was produced. */
export type TrajectoryMetadata = {
  readonly seed: number;
  readonly scenarioId: string;
  readonly environment: string;
  readonly stopReason: StopReason;
  readonly startedAt: string; // ISO 8601
  readonly durationMs: number;
  readonly toolErrors: number;
  readonly [key: string]: unknown;
};

/** A finished (or stopped) episode. */
export type Trajectory = {
  readonly id: string;
  /** Trajectories of one GRPO group share scenario and seed, and this id. */
  readonly groupId?: string;
  readonly messages: readonly Message[];
  readonly turns: readonly TurnRecord[];
  /** Final reward of the episode, and its named parts. */
  readonly reward?: number;
  readonly rewardParts?: Readonly<Record<string, number>>;
  readonly metadata: TrajectoryMetadata;
};

/** A group of trajectories for the same scenario and seed. */
export type TrajectoryGroup = {
  readonly groupId: string;
  readonly scenarioId: string;
  readonly seed: number;
  readonly trajectories: readonly Trajectory[];
};
