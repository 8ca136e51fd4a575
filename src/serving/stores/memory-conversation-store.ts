// The in-process conversation store: the default for one replica. Conversations expire `ttlMs` after
// their last create or update, measured on an injectable clock so tests control time.

import { randomUUID } from 'node:crypto';
import type {
  ConversationStore,
  NewConversation,
  ReleaseLock,
  StoredConversation,
} from '../conversation-store.js';
import { DEFAULT_CONVERSATION_TTL_MS } from './conversation-ttl.js';
import { conversationExists, conversationNotFound } from './store-error.js';
import { copyConversation, nextVersion } from './stored-conversation-copy.js';

/** Options of `MemoryConversationStore`. */
export type MemoryConversationStoreOptions = {
  /** Idle lifetime of a conversation in milliseconds. Default 24 hours. */
  readonly ttlMs?: number;
  /** Milliseconds since the epoch; default `Date.now`. */
  readonly now?: () => number;
};

/** Least time between two sweeps of expired entries, in milliseconds. */
const SWEEP_INTERVAL_MS = 60_000;

type Entry = { readonly conversation: StoredConversation; readonly expiresAt: number };
type Lock = { readonly token: string; readonly expiresAt: number };

/** Conversations in a Map: deep-copied in and out, expired lazily on access. */
export class MemoryConversationStore implements ConversationStore {
  readonly #entries = new Map<string, Entry>();
  readonly #locks = new Map<string, Lock>();
  readonly #ttlMs: number;
  readonly #now: () => number;
  #lastSweep: number;

  constructor(options: MemoryConversationStoreOptions = {}) {
    this.#ttlMs = options.ttlMs ?? DEFAULT_CONVERSATION_TTL_MS;
    this.#now = options.now ?? Date.now;
    this.#lastSweep = this.#now();
  }

  async create(conversation: NewConversation): Promise<StoredConversation> {
    this.#sweep();
    if (this.#live(conversation.id) !== undefined) throw conversationExists(conversation.id);
    const stored: StoredConversation = { ...copyConversation(conversation), version: 1 };
    this.#put(stored);
    return copyConversation(stored);
  }

  async get(id: string): Promise<StoredConversation | undefined> {
    const entry = this.#live(id);
    return entry === undefined ? undefined : copyConversation(entry.conversation);
  }

  async update(
    id: string,
    mutate: (current: StoredConversation) => StoredConversation,
  ): Promise<StoredConversation> {
    const entry = this.#live(id);
    if (entry === undefined) throw conversationNotFound(id);
    // Synchronous read-modify-write: nothing else runs in between, so no update can be lost.
    const stored = nextVersion(entry.conversation, mutate(copyConversation(entry.conversation)));
    this.#put(stored);
    return copyConversation(stored);
  }

  async delete(id: string): Promise<boolean> {
    const existed = this.#live(id) !== undefined;
    this.#entries.delete(id);
    return existed;
  }

  async tryLock(id: string, ttlMs: number): Promise<ReleaseLock | undefined> {
    const held = this.#locks.get(id);
    if (held !== undefined && held.expiresAt > this.#now()) return undefined;
    const token = randomUUID();
    this.#locks.set(id, { token, expiresAt: this.#now() + ttlMs });
    return async () => {
      // Only the holder's own lock: after expiry someone else may hold a new one.
      if (this.#locks.get(id)?.token === token) this.#locks.delete(id);
    };
  }

  async countActive(): Promise<number> {
    let active = 0;
    for (const id of [...this.#entries.keys()]) {
      if (this.#live(id)?.conversation.status === 'active') active++;
    }
    return active;
  }

  async ping(): Promise<void> {}

  /** Conversations held in memory, expired ones not yet swept included. */
  get size(): number {
    return this.#entries.size;
  }

  async close(): Promise<void> {
    this.#entries.clear();
    this.#locks.clear();
  }

  /** The entry for `id` unless it has expired (then it is removed). */
  #live(id: string): Entry | undefined {
    const entry = this.#entries.get(id);
    if (entry === undefined) return undefined;
    if (entry.expiresAt > this.#now()) return entry;
    this.#entries.delete(id);
    return undefined;
  }

  /** Drops expired conversations and locks now and then, so abandoned ones do not pile up. */
  #sweep(): void {
    const now = this.#now();
    if (now - this.#lastSweep < SWEEP_INTERVAL_MS) return;
    this.#lastSweep = now;
    for (const [id, entry] of this.#entries) if (entry.expiresAt <= now) this.#entries.delete(id);
    for (const [id, lock] of this.#locks) if (lock.expiresAt <= now) this.#locks.delete(id);
  }

  #put(conversation: StoredConversation): void {
    this.#entries.set(conversation.id, { conversation, expiresAt: this.#now() + this.#ttlMs });
  }
}
