// What the conversation routes answer with: a conversation as its owner sees it, and a turn's result.
// Token-level records stay on the server (they are for training, not for clients).

import type { Message } from '../../conversation/messages.js';
import type { ConversationStatus, Feedback, StoredConversation } from '../conversation-store.js';
import { conversationFacts, type ConversationStopReason } from './conversation-facts.js';
import type { TurnReply } from './conversation-turn-step.js';

/** The JSON of `GET /v1/conversations/{id}`. */
export type ConversationView = {
  readonly id: string;
  readonly environment: string;
  readonly agent: string;
  readonly status: ConversationStatus;
  readonly stopReason?: ConversationStopReason;
  readonly messages: readonly Message[];
  readonly feedback: readonly Feedback[];
  /** User messages so far. */
  readonly userTurns: number;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly finishedAt?: string;
  /** The client's metadata, as given at creation. */
  readonly metadata: Readonly<Record<string, unknown>>;
};

/** `conversation` as its owner sees it. */
export function conversationView(conversation: StoredConversation): ConversationView {
  const facts = conversationFacts(conversation);
  return {
    id: conversation.id,
    environment: conversation.environment,
    agent: conversation.agent,
    status: conversation.status,
    ...(facts.stopReason === undefined ? {} : { stopReason: facts.stopReason }),
    messages: conversation.messages,
    feedback: conversation.feedback,
    userTurns: facts.userTurns,
    createdAt: conversation.createdAt,
    updatedAt: conversation.updatedAt,
    ...(facts.finishedAt === undefined ? {} : { finishedAt: facts.finishedAt }),
    metadata: facts.client,
  };
}

/** A turn's result without the whole conversation. */
export function turnView(turn: TurnReply): Omit<TurnReply, 'conversation'> {
  const { conversation: _conversation, ...view } = turn;
  return view;
}
