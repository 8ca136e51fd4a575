// Conversations in Redis, shared by every replica: one hash per conversation with an idle TTL, updates
// by compare-and-set on the version (retried with the fresh value), locks with SET NX PX.

import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import type {
  ConversationStore,
  NewConversation,
  ReleaseLock,
  StoredConversation,
} from '../conversation-store.js';
import { DEFAULT_CONVERSATION_TTL_MS } from './conversation-ttl.js';
import { RedisConnection, type RedisConnectionOptions } from './redis-connection.js';
import {
  COUNT_ACTIVE_SCRIPT,
  CREATE_SCRIPT,
  DELETE_SCRIPT,
  RELEASE_LOCK_SCRIPT,
  UPDATE_SCRIPT,
} from './redis-conversation-scripts.js';
import { conversationExists, conversationNotFound, StoreError } from './store-error.js';
import { conversationJson, nextVersion } from './stored-conversation-copy.js';

/** Options of `RedisConversationStore`. */
export type RedisConversationStoreOptions = RedisConnectionOptions & {
  /** Prefix of every key the store writes. Default `stateset:`. */
  readonly keyPrefix?: string;
  /** Idle lifetime of a conversation in milliseconds, renewed by every update. Default 24 hours. */
  readonly ttlMs?: number;
  /** Tries of one update before it fails with `conversation_conflict`. Default 100. */
  readonly maxUpdateAttempts?: number;
};

/** Longest random pause between conflicting update attempts, in milliseconds. */
const MAX_CONFLICT_BACKOFF_MS = 20;

/** A `ConversationStore` on Redis (a single instance or a Sentinel-managed primary). */
export class RedisConversationStore implements ConversationStore {
  readonly #redis: RedisConnection;
  readonly #prefix: string;
  readonly #ttlMs: number;
  readonly #maxUpdateAttempts: number;

  constructor(options: RedisConversationStoreOptions) {
    this.#redis = new RedisConnection(options);
    this.#prefix = options.keyPrefix ?? 'stateset:';
    this.#ttlMs = Math.max(1, Math.round(options.ttlMs ?? DEFAULT_CONVERSATION_TTL_MS));
    this.#maxUpdateAttempts = options.maxUpdateAttempts ?? 100;
  }

  async create(conversation: NewConversation): Promise<StoredConversation> {
    const stored: StoredConversation = { ...conversation, version: 1 };
    const created = await this.#redis.call('create', (client) =>
      client.eval(CREATE_SCRIPT, 2, ...this.#keys(stored.id), ...this.#touchArgs(stored)),
    );
    if (created !== 1) throw conversationExists(stored.id);
    return structuredClone(stored);
  }

  async get(id: string): Promise<StoredConversation | undefined> {
    const doc = await this.#redis.call('get', (client) => client.hget(this.#conversationKey(id), 'doc'));
    if (doc === null) return undefined;
    try {
      return JSON.parse(doc) as StoredConversation;
    } catch (error) {
      throw new StoreError('store_unavailable', `conversation ${JSON.stringify(id)} holds invalid JSON`, {
        cause: error,
      });
    }
  }

  async update(
    id: string,
    mutate: (current: StoredConversation) => StoredConversation,
  ): Promise<StoredConversation> {
    for (let attempt = 1; attempt <= this.#maxUpdateAttempts; attempt++) {
      const current = await this.get(id);
      if (current === undefined) throw conversationNotFound(id);
      const next = nextVersion(current, mutate(current));
      const written = await this.#redis.call('update', (client) =>
        client.eval(UPDATE_SCRIPT, 2, ...this.#keys(id), String(current.version), ...this.#touchArgs(next)),
      );
      if (written === 1) return next;
      if (written === -1) throw conversationNotFound(id);
      // Another replica won this round; back off a random moment so the contenders spread out.
      await delay(Math.random() * Math.min(MAX_CONFLICT_BACKOFF_MS, attempt));
    }
    throw new StoreError(
      'conversation_conflict',
      `conversation ${JSON.stringify(id)}: ${this.#maxUpdateAttempts} update attempts all lost to concurrent updates`,
    );
  }

  async delete(id: string): Promise<boolean> {
    const removed = await this.#redis.call('delete', (client) =>
      client.eval(DELETE_SCRIPT, 2, ...this.#keys(id), id),
    );
    return removed === 1;
  }

  async tryLock(id: string, ttlMs: number): Promise<ReleaseLock | undefined> {
    const key = `${this.#prefix}lock:${id}`;
    const token = randomUUID();
    const expiry = Math.max(1, Math.ceil(ttlMs));
    const taken = await this.#redis.call('lock', (client) => client.set(key, token, 'PX', expiry, 'NX'));
    if (taken !== 'OK') return undefined;
    return async () => {
      await this.#redis.call('unlock', (client) => client.eval(RELEASE_LOCK_SCRIPT, 1, key, token));
    };
  }

  async countActive(): Promise<number> {
    const count = await this.#redis.call('count', (client) =>
      client.eval(COUNT_ACTIVE_SCRIPT, 1, this.#activeKey()),
    );
    return Number(count);
  }

  async ping(): Promise<void> {
    await this.#redis.call('ping', (client) => client.ping());
  }

  async close(): Promise<void> {
    await this.#redis.close();
  }

  #conversationKey(id: string): string {
    return `${this.#prefix}conversation:${id}`;
  }

  #activeKey(): string {
    return `${this.#prefix}active`;
  }

  #keys(id: string): [string, string] {
    return [this.#conversationKey(id), this.#activeKey()];
  }

  /** The scripts' arguments after the keys (and, for updates, the expected version). */
  #touchArgs(conversation: StoredConversation): string[] {
    return [
      conversationJson(conversation),
      String(this.#ttlMs),
      conversation.id,
      conversation.status === 'active' ? '1' : '0',
    ];
  }
}
