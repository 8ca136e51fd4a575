// Settings of server-side conversations: the limits of a conversation and of one turn, and where the
// retail data comes from. Flat fields, so the server's own schema can extend its shape.

import { z } from 'zod';

const count = (min: number) => z.number().int().min(min);

/** Every setting of the conversation routes. */
export const ConversationsConfigSchema = z.strictObject({
  maxConversationTurns: count(1)
    .default(50)
    .describe(
      'User messages per conversation; the one that reaches it finishes the conversation (max_turns).',
    ),
  maxToolRounds: count(1)
    .default(8)
    .describe('Assistant turns per user message before the word goes back to the user.'),
  turnTimeoutMs: count(1)
    .default(300_000)
    .describe('Time limit of one turn (every model and tool call in it); the turn is dropped beyond it.'),
  maxFeedback: count(1).default(32).describe('Feedback entries one conversation accepts.'),
  maxMetadataChars: count(0)
    .default(16_384)
    .describe('Longest `metadata` object a conversation may carry, as JSON text.'),
  retailData: z
    .string()
    .default('')
    .describe(
      'τ-bench retail data folder; empty: $STATESET_TAU_RETAIL, else shared/tau-retail in or beside the working directory.',
    ),
  toolStateCacheSize: count(0)
    .default(64)
    .describe(
      'Conversations whose tool state this replica keeps in memory (a retail database copy is about 1.5 MB); others are rebuilt by replay.',
    ),
});

/** A resolved conversations configuration. */
export type ConversationsConfig = z.output<typeof ConversationsConfigSchema>;
