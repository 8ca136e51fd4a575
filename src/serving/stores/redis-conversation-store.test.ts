import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisConversationStore } from './redis-conversation-store.js';
import { describeConversationStoreContract } from './test-support/conversation-store-contract.js';
import { RedisTestServer } from './test-support/redis-server.js';
import { sampleConversation } from './test-support/sample-conversation.js';

let server: RedisTestServer;
beforeAll(async () => {
  server = await RedisTestServer.launch();
});
afterAll(async () => {
  await server.close();
});

describeConversationStoreContract('RedisConversationStore', {
  shortTtlMs: 1_000,
  open: async ({ ttlMs, replicas = 1 }) => {
    // A fresh key prefix is a fresh, empty data set; each replica has its own connection.
    const keyPrefix = `test:${randomUUID()}:`;
    const stores = Array.from(
      { length: replicas },
      () => new RedisConversationStore({ url: server.url, keyPrefix, ttlMs }),
    );
    return { stores, advance: () => undefined };
  },
});

describe('RedisConversationStore', () => {
  it('renews the key TTL on every update', async () => {
    const keyPrefix = `test:${randomUUID()}:`;
    const store = new RedisConversationStore({ url: server.url, keyPrefix, ttlMs: 60_000 });
    const raw = new Redis(server.url);
    try {
      await store.create(sampleConversation('c1'));
      const key = `${keyPrefix}conversation:c1`;
      expect(await raw.pttl(key)).toBeGreaterThan(55_000);
      await raw.pexpire(key, 5_000);
      await store.update('c1', (current) => current);
      expect(await raw.pttl(key)).toBeGreaterThan(55_000);
    } finally {
      await store.close();
      raw.disconnect();
    }
  });

  it('fails with conversation_conflict once its bounded attempts all lose', async () => {
    const keyPrefix = `test:${randomUUID()}:`;
    const store = new RedisConversationStore({ url: server.url, keyPrefix, maxUpdateAttempts: 1 });
    try {
      await store.create(sampleConversation('c1'));
      // One connection runs commands in order: all 20 reads happen before the first write, so one
      // compare-and-set wins and the other 19, allowed a single attempt, give up.
      const results = await Promise.allSettled(
        Array.from({ length: 20 }, () => store.update('c1', (current) => current)),
      );
      const failures = results.filter((result) => result.status === 'rejected');
      expect(results.length - failures.length).toBe(1);
      expect(failures).toHaveLength(19);
      expect(failures[0]).toMatchObject({ reason: { code: 'conversation_conflict' } });
      expect((await store.get('c1'))?.version).toBe(2);
    } finally {
      await store.close();
    }
  });
});
