// The optional Redis trajectory store: one list, one captured conversation per item, appended with
// RPUSH (atomic, so concurrent appends from many replicas never interleave) and read in pages.

import type { CapturedConversation, TrajectoryStore } from '../trajectory-store.js';
import {
  capturedConversationJson,
  type InvalidLine,
  parseCapturedConversation,
} from './captured-conversation-json.js';
import { RedisConnection, type RedisConnectionOptions } from './redis-connection.js';
import { StoreError } from './store-error.js';

/** Options of `RedisTrajectoryStore`. */
export type RedisTrajectoryStoreOptions = RedisConnectionOptions & {
  /** The list's key. Default `stateset:trajectories`. */
  readonly key?: string;
  /** Items `read` fetches per round trip. Default 256. */
  readonly pageSize?: number;
  /** As JsonlTrajectoryStore's: called for each malformed item (1-based `line`), which is skipped. */
  readonly onInvalidLine?: (invalid: InvalidLine) => void;
};

/** Captured conversations in a Redis list, shared by every replica. */
export class RedisTrajectoryStore implements TrajectoryStore {
  readonly key: string;
  readonly #redis: RedisConnection;
  readonly #pageSize: number;
  readonly #onInvalidLine: ((invalid: InvalidLine) => void) | undefined;
  readonly #pending = new Set<Promise<unknown>>();

  constructor(options: RedisTrajectoryStoreOptions) {
    this.#redis = new RedisConnection(options);
    this.key = options.key ?? 'stateset:trajectories';
    this.#pageSize = options.pageSize ?? 256;
    this.#onInvalidLine = options.onInvalidLine;
  }

  async append(record: CapturedConversation): Promise<void> {
    const item = capturedConversationJson(record);
    const pushed = this.#redis.call('append', (client) => client.rpush(this.key, item));
    this.#pending.add(pushed);
    try {
      await pushed;
    } finally {
      this.#pending.delete(pushed);
    }
  }

  async *read(): AsyncIterable<CapturedConversation> {
    for (let start = 0; ; start += this.#pageSize) {
      const end = start + this.#pageSize - 1;
      const items = await this.#redis.call('read', (client) => client.lrange(this.key, start, end));
      for (const [offset, item] of items.entries()) {
        const parsed = parseCapturedConversation(item);
        if (parsed.ok) {
          yield parsed.value;
          continue;
        }
        const line = start + offset + 1;
        if (this.#onInvalidLine === undefined) {
          throw new StoreError(
            'trajectory_store_corrupt',
            `redis list ${this.key} item ${line}: ${parsed.error}`,
          );
        }
        this.#onInvalidLine({ line, message: parsed.error });
      }
      if (items.length < this.#pageSize) return;
    }
  }

  /** Waits for appends in flight; what Redis acknowledged is as durable as its own persistence settings. */
  async flush(): Promise<void> {
    await Promise.allSettled([...this.#pending]);
  }

  async ping(): Promise<void> {
    await this.#redis.call('ping', (client) => client.ping());
  }

  async close(): Promise<void> {
    await this.flush();
    await this.#redis.close();
  }
}
