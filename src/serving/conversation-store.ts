// The conversation store contract: server-side conversations that several replicas share. Memory
// is the default; Redis makes replicas stateless.

import type { Message } from '../conversation/messages.js';
import type { TurnRecord } from '../conversation/trajectory.js';

/** A user's rating of a conversation. */
export type Feedback = {
  /** -1 (bad) … 1 (good), or a 1–5 star rating normalised by the route; see the HTTP API docs. */
  readonly rating: number;
  readonly comment?: string;
  /** ISO 8601 time it was given. */
  readonly at: string;
};

/** `active` takes messages; `finished` ended (terminal tool, a user's DELETE, or max turns) and is captured. */
export type ConversationStatus = 'active' | 'finished';

/** A conversation as stored. JSON-serialisable. */
export type StoredConversation = {
  readonly id: string;
  /** Id of the API key that created it; other keys never see it. */
  readonly owner: string;
  /** Agent name, e.g. `local:<checkpoint>` or `upstream:<model>`. */
  readonly agent: string;
  /** Environment label: `retail`, `support-lite` or `none`. */
  readonly environment: string;
  readonly status: ConversationStatus;
  readonly messages: readonly Message[];
  readonly turns: readonly TurnRecord[];
  readonly feedback: readonly Feedback[];
  readonly createdAt: string;
  readonly updatedAt: string;
  /** Incremented by every successful update (optimistic concurrency). */
  readonly version: number;
  readonly metadata?: Readonly<Record<string, unknown>>;
};

/** The fields a caller supplies on create; the store sets `version` to 1. */
export type NewConversation = Omit<StoredConversation, 'version'>;

/** Releases a lock taken with `tryLock`. */
export type ReleaseLock = () => Promise<void>;

/** Where conversations live. Every method may throw StatesetError('store_unavailable'). */
export interface ConversationStore {
  /** Stores a new conversation; throws StatesetError('conversation_exists') for a taken id. */
  create(conversation: NewConversation): Promise<StoredConversation>;
  get(id: string): Promise<StoredConversation | undefined>;
  /**
   * Atomic read-modify-write: `mutate` sees the current value and returns the next one (version is
   * set by the store). Concurrent updates never lose each other's changes: on a conflict the store
   * retries with the fresh value. `mutate` must be synchronous and free of side effects, since it
   * may run more than once. Throws StatesetError('conversation_not_found') when the id is absent.
   */
  update(
    id: string,
    mutate: (current: StoredConversation) => StoredConversation,
  ): Promise<StoredConversation>;
  /** Removes it; false when it was not there. */
  delete(id: string): Promise<boolean>;
  /**
   * A lock on one conversation across replicas (a turn in progress), expiring after `ttlMs` in case
   * its holder dies; undefined when another holder has it.
   */
  tryLock(id: string, ttlMs: number): Promise<ReleaseLock | undefined>;
  /** Conversations with status `active`. */
  countActive(): Promise<number>;
  /** Resolves when the store is reachable (readiness). */
  ping(): Promise<void>;
  close(): Promise<void>;
}
