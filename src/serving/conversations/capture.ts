// Capture: a finished conversation becomes a CapturedConversation in the trajectory store, with its
// messages, the token-level record of each model turn (so it trains with the same loss masks as a
// rollout), its metadata and its feedback.
//
// A record is appended when a conversation finishes, and again, whole, for each feedback given
// after that (the conversation stays in the store until its DELETE or TTL). Readers keep the latest
// record of each trajectory id: it holds all the feedback so far.

import type { Trajectory } from '../../conversation/trajectory.js';
import type { StoredConversation } from '../conversation-store.js';
import type { CapturedConversation } from '../trajectory-store.js';
import { conversationFacts } from './conversation-facts.js';

/** The record that captures `conversation` (which must be finished) at `capturedAt`. */
export function capturedConversation(
  conversation: StoredConversation,
  capturedAt: Date,
): CapturedConversation {
  const facts = conversationFacts(conversation);
  const finishedAt = facts.finishedAt ?? conversation.updatedAt;
  const trajectory: Trajectory = {
    id: conversation.id,
    messages: conversation.messages,
    turns: conversation.turns,
    metadata: {
      // Served conversations have no scenario seed; `seeded` says whether the client fixed sampling's.
      seed: facts.sampling.seed ?? 0,
      seeded: facts.sampling.seed !== undefined,
      scenarioId: `served:${conversation.environment}`,
      environment: conversation.environment,
      stopReason: facts.stopReason ?? 'user_stop',
      startedAt: conversation.createdAt,
      finishedAt,
      durationMs: Math.max(0, Date.parse(finishedAt) - Date.parse(conversation.createdAt)),
      toolErrors: conversation.messages.filter(
        (message) => message.role === 'tool' && message.isError === true,
      ).length,
      agent: conversation.agent,
      userTurns: facts.userTurns,
      sampling: facts.sampling,
      traceIds: facts.traceIds,
      clientMetadata: facts.client,
    },
  };
  return {
    trajectory,
    feedback: conversation.feedback,
    owner: conversation.owner,
    capturedAt: capturedAt.toISOString(),
  };
}
