// Hand-built trajectories for the reward tests: messages in, a complete `Trajectory` out.

import type { Message, ToolCall } from '../../conversation/messages.js';
import type { Trajectory, TrajectoryMetadata } from '../../conversation/trajectory.js';
import type { RewardFunction } from '../reward-function.js';

/** Options of `trajectoryOf`. */
export type TrajectoryFixtureOptions = {
  readonly id?: string;
  readonly groupId?: string;
  readonly metadata?: Partial<TrajectoryMetadata>;
  /** Completion token counts of the assistant turns, in order; absent turns carry no tokens. */
  readonly completionTokens?: readonly number[];
};

/** A trajectory with these messages, one turn record per assistant message and fixed metadata. */
export function trajectoryOf(
  messages: readonly Message[],
  options: TrajectoryFixtureOptions = {},
): Trajectory {
  let assistantIndex = 0;
  const turns = messages.flatMap((message, messageIndex) => {
    if (message.role !== 'assistant') return [];
    const count = options.completionTokens?.[assistantIndex++];
    if (count === undefined) return [{ messageIndex }];
    const completion = Array.from({ length: count }, (_, index) => index);
    return [{ messageIndex, tokens: { prompt: [], completion, logprobs: completion.map(() => -1) } }];
  });
  return {
    id: options.id ?? 'trajectory-1',
    ...(options.groupId === undefined ? {} : { groupId: options.groupId }),
    messages,
    turns,
    metadata: {
      seed: 0,
      scenarioId: 'scenario-1',
      environment: 'fixture',
      stopReason: 'user_stop',
      startedAt: '2026-01-01T00:00:00.000Z',
      durationMs: 0,
      toolErrors: 0,
      ...options.metadata,
    },
  };
}

/** Shorthands for messages. */
export const say = {
  system: (content: string): Message => ({ role: 'system', content }),
  user: (content: string): Message => ({ role: 'user', content }),
  assistant: (content: string, toolCalls?: readonly ToolCall[]): Message =>
    toolCalls === undefined ? { role: 'assistant', content } : { role: 'assistant', content, toolCalls },
  tool: (toolCallId: string, name: string, content: string, isError = false): Message => ({
    role: 'tool',
    toolCallId,
    name,
    content,
    isError,
  }),
  call: (id: string, name: string, args: Record<string, unknown> = {}): ToolCall => ({
    id,
    name,
    arguments: args,
  }),
};

/** Scores one trajectory with a single reward, turning a synchronous throw into a rejection. */
export async function scoreTrajectory<TState>(
  reward: RewardFunction<TState>,
  trajectory: Trajectory,
  finalState?: TState,
): Promise<number | undefined> {
  return reward.score({ trajectory, ...(finalState === undefined ? {} : { finalState }) });
}
