// zod schemas of messages and trajectories, for validating trajectories read from files.

import { z } from 'zod';
import type { Trajectory } from './trajectory.js';

const finite = z.number().refine(Number.isFinite, 'must be a finite number');
const tokenId = z.number().int().nonnegative();

/** A tool call on an assistant message. */
export const ToolCallSchema = z.strictObject({
  id: z.string().describe('Id the tool result answers.'),
  name: z.string().describe('Tool name.'),
  arguments: z.record(z.string(), z.unknown()).describe('Arguments as parsed JSON.'),
});

/** Any chat message, by role. */
export const MessageSchema = z.discriminatedUnion('role', [
  z.strictObject({ role: z.literal('system'), content: z.string() }),
  z.strictObject({ role: z.literal('user'), content: z.string() }),
  z.strictObject({
    role: z.literal('assistant'),
    content: z.string(),
    toolCalls: z.array(ToolCallSchema).optional(),
  }),
  z.strictObject({
    role: z.literal('tool'),
    toolCallId: z.string(),
    name: z.string(),
    content: z.string(),
    isError: z.boolean().optional(),
  }),
]);

/** The tokens of one assistant turn; logprobs must match the completion one to one. */
export const TurnTokensSchema = z
  .strictObject({
    prompt: z.array(tokenId),
    completion: z.array(tokenId),
    logprobs: z.array(finite),
    newSequence: z.boolean().optional(),
  })
  .refine((turn) => turn.logprobs.length === turn.completion.length, {
    message: 'logprobs must have one value per completion token',
    path: ['logprobs'],
  });

/** One assistant turn of a trajectory. */
export const TurnRecordSchema = z.strictObject({
  messageIndex: z.number().int().nonnegative(),
  tokens: TurnTokensSchema.optional(),
  reward: finite.optional(),
});

/** Why an episode ended. */
export const StopReasonSchema = z.enum([
  'user_stop',
  'max_turns',
  'terminal_tool',
  'tool_error_limit',
  'token_budget',
  'agent_error',
  'timeout',
]);

/** Facts about how a trajectory was produced; other keys are kept. */
export const TrajectoryMetadataSchema = z.looseObject({
  seed: z.number().int(),
  scenarioId: z.string(),
  environment: z.string(),
  stopReason: StopReasonSchema,
  startedAt: z.string(),
  durationMs: finite,
  toolErrors: z.number().int().nonnegative(),
});

/** A trajectory; each turn's messageIndex must point at an assistant message. */
export const TrajectorySchema = z
  .strictObject({
    id: z.string(),
    groupId: z.string().optional(),
    messages: z.array(MessageSchema),
    turns: z.array(TurnRecordSchema),
    reward: finite.optional(),
    rewardParts: z.record(z.string(), finite).optional(),
    metadata: TrajectoryMetadataSchema,
  })
  .superRefine((trajectory, context) => {
    trajectory.turns.forEach((turn, index) => {
      if (trajectory.messages[turn.messageIndex]?.role !== 'assistant') {
        context.addIssue({
          code: 'custom',
          message: `messageIndex ${turn.messageIndex} is not an assistant message`,
          path: ['turns', index, 'messageIndex'],
        });
      }
    });
  }) satisfies z.ZodType<Trajectory>;
