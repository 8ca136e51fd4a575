// Hand-built token-level trajectories for the trainer's unit tests (no model or environment needed).

import type { Trajectory, TurnTokens } from '../../conversation/trajectory.js';

/** A trajectory with one assistant turn per entry of `turns`, each with the given tokens. */
export function tokenTrajectory(options: {
  readonly id: string;
  readonly turns: readonly TurnTokens[];
  readonly groupId?: string;
  readonly reward?: number;
  readonly stopReason?: Trajectory['metadata']['stopReason'];
}): Trajectory {
  return {
    id: options.id,
    ...(options.groupId === undefined ? {} : { groupId: options.groupId }),
    messages: options.turns.flatMap(() => [
      { role: 'user' as const, content: 'hi' },
      { role: 'assistant' as const, content: 'hello' },
    ]),
    turns: options.turns.map((tokens, index) => ({ messageIndex: 2 * index + 1, tokens })),
    ...(options.reward === undefined ? {} : { reward: options.reward }),
    metadata: {
      seed: 0,
      scenarioId: 'scenario',
      environment: 'test',
      stopReason: options.stopReason ?? 'user_stop',
      startedAt: '2025-01-01T00:00:00.000Z',
      durationMs: 1,
      toolErrors: 0,
    },
  };
}
