// What the server keeps about a conversation beside its messages, in `StoredConversation.metadata`:
// the client's own metadata under `client`, the sampling settings, and how and when it finished.

import type { StopReason } from '../../conversation/trajectory.js';
import type { SamplingParams } from '../chat-backend.js';
import type { StoredConversation } from '../conversation-store.js';

/** Why a served conversation finished: a terminal tool, the user's DELETE, or the turn limit. */
export type ConversationStopReason = Extract<StopReason, 'terminal_tool' | 'user_stop' | 'max_turns'>;

/** The server's facts about a conversation (JSON in `metadata`). */
export type ConversationFacts = {
  /** What the client attached at creation, returned as it was given. */
  readonly client: Readonly<Record<string, unknown>>;
  readonly sampling: SamplingParams;
  /** User messages so far. */
  readonly userTurns: number;
  readonly stopReason?: ConversationStopReason;
  /** ISO 8601 time it finished. */
  readonly finishedAt?: string;
  /** The trace id of each turn, in order, to find a turn's log lines. */
  readonly traceIds: readonly string[];
};

/** The facts of a stored conversation; a conversation stored by someone else reads as empty facts. */
export function conversationFacts(conversation: StoredConversation): ConversationFacts {
  const metadata = conversation.metadata ?? {};
  const record = (value: unknown): Record<string, unknown> =>
    typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : {};
  return {
    client: record(metadata.client),
    sampling: record(metadata.sampling) as SamplingParams,
    userTurns: typeof metadata.userTurns === 'number' ? metadata.userTurns : 0,
    ...(typeof metadata.stopReason === 'string'
      ? { stopReason: metadata.stopReason as ConversationStopReason }
      : {}),
    ...(typeof metadata.finishedAt === 'string' ? { finishedAt: metadata.finishedAt } : {}),
    traceIds: Array.isArray(metadata.traceIds) ? metadata.traceIds.map(String) : [],
  };
}

/** `conversation` with its facts replaced by `facts`. */
export function withFacts(conversation: StoredConversation, facts: ConversationFacts): StoredConversation {
  return { ...conversation, metadata: { ...facts } };
}
