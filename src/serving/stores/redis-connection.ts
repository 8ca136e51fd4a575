// An ioredis connection set up for a store: bounded connect and command times, and calls that fail
// at once with `store_unavailable` while Redis is down instead of queueing until it returns.

import { Redis } from 'ioredis';
import { StoreError } from './store-error.js';

/** How a store reaches Redis. */
export type RedisConnectionOptions = {
  /** `redis://[:password@]host:port[/db]`. */
  readonly url: string;
  /** Milliseconds to establish a connection. Default 2000. */
  readonly connectTimeoutMs?: number;
  /** Milliseconds a command may take before it fails. Default 2000. */
  readonly commandTimeoutMs?: number;
};

/** Longest wait between reconnection attempts, in milliseconds. */
const MAX_RECONNECT_DELAY_MS = 500;

/**
 * One client that reconnects in the background (every 100 ms, backing off to 500 ms). A call made
 * while it waits to reconnect fails at once; one made while a connection attempt is in flight waits
 * for that attempt only (at most `connectTimeoutMs`).
 */
export class RedisConnection {
  readonly client: Redis;
  #lastError = 'not connected yet';

  constructor(options: RedisConnectionOptions) {
    this.client = new Redis(options.url, {
      connectTimeout: options.connectTimeoutMs ?? 2_000,
      commandTimeout: options.commandTimeoutMs ?? 2_000,
      maxRetriesPerRequest: 1,
      retryStrategy: (attempt) => Math.min(attempt * 100, MAX_RECONNECT_DELAY_MS),
    });
    // Kept for the message of the calls that fail; without a listener ioredis prints every error.
    this.client.on('error', (error: Error) => (this.#lastError = error.message));
  }

  /** Runs a Redis call; an error from Redis or the connection becomes StoreError('store_unavailable'). */
  async call<T>(action: string, call: (client: Redis) => Promise<T>): Promise<T> {
    const status = this.client.status;
    if (status === 'reconnecting' || status === 'end' || status === 'close') {
      throw new StoreError('store_unavailable', `redis ${action} failed: not connected (${this.#lastError})`);
    }
    try {
      return await call(this.client);
    } catch (error) {
      if (error instanceof StoreError) throw error;
      const reason = error instanceof Error ? error.message : String(error);
      throw new StoreError('store_unavailable', `redis ${action} failed: ${reason}`, { cause: error });
    }
  }

  /** Quits politely, or drops the connection when Redis cannot be reached. */
  async close(): Promise<void> {
    if (this.client.status === 'end') return;
    if (this.client.status !== 'ready') {
      this.client.disconnect();
      return;
    }
    try {
      await this.client.quit();
    } catch {
      this.client.disconnect();
    }
  }
}
