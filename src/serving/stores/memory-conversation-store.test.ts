import { describe, expect, it } from 'vitest';
import { MemoryConversationStore } from './memory-conversation-store.js';
import { describeConversationStoreContract } from './test-support/conversation-store-contract.js';
import { sampleConversation } from './test-support/sample-conversation.js';

describeConversationStoreContract('MemoryConversationStore', {
  shortTtlMs: 1_000,
  open: async ({ ttlMs, replicas = 1 }) => {
    let now = 1_000_000;
    const store = new MemoryConversationStore({ ttlMs, now: () => now });
    // Replicas of one process share the one store.
    return { stores: Array.from({ length: replicas }, () => store), advance: (ms) => (now += ms) };
  },
});

describe('MemoryConversationStore', () => {
  it('renews the TTL on every update and expires exactly at it', async () => {
    let now = 0;
    const store = new MemoryConversationStore({ ttlMs: 100, now: () => now });
    await store.create(sampleConversation('c1'));
    now = 99;
    await store.update('c1', (current) => current);
    now = 198;
    expect(await store.get('c1')).toBeDefined();
    now = 199;
    expect(await store.get('c1')).toBeUndefined();
  });

  it('lets an update that throws leave the conversation as it was', async () => {
    const store = new MemoryConversationStore();
    await store.create(sampleConversation('c1'));
    await expect(
      store.update('c1', () => {
        throw new Error('mutate failed');
      }),
    ).rejects.toThrow('mutate failed');
    expect((await store.get('c1'))?.version).toBe(1);
  });

  it('sweeps abandoned conversations out of memory', async () => {
    let now = 0;
    const store = new MemoryConversationStore({ ttlMs: 1_000, now: () => now });
    for (const id of ['a', 'b', 'c']) await store.create(sampleConversation(id));
    now = 120_000;
    expect(store.size).toBe(3);
    await store.create(sampleConversation('d'));
    expect(store.size).toBe(1);
  });
});
