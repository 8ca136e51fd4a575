// The behaviour every ConversationStore must have, as one suite that each store's test file runs.

import { afterEach, describe, expect, it } from 'vitest';
import type { ConversationStore, StoredConversation } from '../../conversation-store.js';
import { eventually } from './eventually.js';
import { sampleConversation } from './sample-conversation.js';

/** Stores over the same data (replicas), and how time passes for them. */
export type OpenedStores = {
  readonly stores: readonly ConversationStore[];
  /** Moves the stores' clock on by `ms` (memory); a no-op where real time must pass (Redis). */
  readonly advance: (ms: number) => void;
};

/** How the suite gets stores of one kind. */
export type ConversationStoreHarness = {
  /** Opens `replicas` stores (default 1) sharing one fresh, empty data set. */
  readonly open: (options: { readonly ttlMs: number; readonly replicas?: number }) => Promise<OpenedStores>;
  /** A TTL that the suite waits out in real time when `advance` does nothing. */
  readonly shortTtlMs: number;
};

const LONG_TTL_MS = 60_000;
const CONCURRENT_UPDATES = 50;

const appendMessage = (content: string) => (current: StoredConversation) => ({
  ...current,
  messages: [...current.messages, { role: 'user' as const, content }],
});

/** Registers the contract's tests for one store. */
export function describeConversationStoreContract(name: string, harness: ConversationStoreHarness): void {
  describe(`${name}: the ConversationStore contract`, () => {
    const opened: ConversationStore[] = [];
    const open = async (ttlMs = LONG_TTL_MS, replicas = 1) => {
      const result = await harness.open({ ttlMs, replicas });
      opened.push(...result.stores);
      return result;
    };
    afterEach(async () => {
      await Promise.all(opened.splice(0).map((store) => store.close()));
    });

    it('creates, gets and deletes a conversation, starting at version 1', async () => {
      const [store] = (await open()).stores;
      const created = await store.create(sampleConversation('c1'));
      expect(created).toEqual({ ...sampleConversation('c1'), version: 1 });
      expect(await store.get('c1')).toEqual(created);
      expect(await store.delete('c1')).toBe(true);
      expect(await store.get('c1')).toBeUndefined();
      expect(await store.delete('c1')).toBe(false);
    });

    it('refuses a taken id with conversation_exists and a missing one with conversation_not_found', async () => {
      const [store] = (await open()).stores;
      await store.create(sampleConversation('c1'));
      await expect(store.create(sampleConversation('c1'))).rejects.toMatchObject({
        code: 'conversation_exists',
      });
      await expect(store.update('nope', (current) => current)).rejects.toMatchObject({
        code: 'conversation_not_found',
      });
      expect(await store.get('nope')).toBeUndefined();
    });

    it('increments the version on each update, keeping the id however mutate changes it', async () => {
      const [store] = (await open()).stores;
      await store.create(sampleConversation('c1'));
      const first = await store.update('c1', appendMessage('one'));
      const second = await store.update('c1', (current) => ({ ...current, id: 'other', version: 99 }));
      expect([first.version, second.version]).toEqual([2, 3]);
      expect(second.id).toBe('c1');
      expect((await store.get('c1'))?.messages.map((message) => message.content)).toEqual([
        'Where is my order?',
        'one',
      ]);
    });

    it('never shares values by reference with callers', async () => {
      const [store] = (await open()).stores;
      type Writable = { messages: { content: string }[] };
      const input = sampleConversation('c1');
      const created = await store.create(input);
      (input as unknown as Writable).messages[0].content = 'changed input';
      (created as unknown as Writable).messages[0].content = 'changed result';
      const got = await store.get('c1');
      (got as unknown as Writable).messages[0].content = 'changed get';
      expect((await store.get('c1'))!.messages[0].content).toBe('Where is my order?');
      const failing = store.update('c1', (current) => {
        (current as unknown as Writable).messages[0].content = 'changed by a failed mutate';
        throw new Error('mutate failed');
      });
      await expect(failing).rejects.toThrow('mutate failed');
      expect(await store.get('c1')).toEqual({ ...sampleConversation('c1'), version: 1 });
      const updated = await store.update('c1', (current) => {
        (current as unknown as Writable).messages[0].content = 'changed in mutate';
        return { ...current, status: 'finished' };
      });
      expect((await store.get('c1'))!.messages[0].content).toBe('changed in mutate');
      (updated as unknown as Writable).messages[0].content = 'changed after update';
      expect((await store.get('c1'))!.messages[0].content).toBe('changed in mutate');
    });

    it('forgets a conversation once its TTL passes without an update', async () => {
      const { stores, advance } = await open(harness.shortTtlMs);
      const [store] = stores;
      await store.create(sampleConversation('c1'));
      expect(await store.get('c1')).toBeDefined();
      advance(harness.shortTtlMs + 1);
      await eventually('the conversation expires', async () => (await store.get('c1')) === undefined);
      expect(await store.countActive()).toBe(0);
      await expect(store.update('c1', appendMessage('late'))).rejects.toMatchObject({
        code: 'conversation_not_found',
      });
      await store.create(sampleConversation('c1'));
      expect((await store.get('c1'))?.version).toBe(1);
    });

    it(`loses none of ${CONCURRENT_UPDATES} concurrent updates from several replicas`, async () => {
      const { stores } = await open(LONG_TTL_MS, 5);
      await stores[0].create(sampleConversation('c1', { messages: [] }));
      const updates = Array.from({ length: CONCURRENT_UPDATES }, (_, index) =>
        stores[index % stores.length].update('c1', appendMessage(`m${index}`)),
      );
      const results = await Promise.all(updates);
      const final = (await stores[1].get('c1'))!;
      expect(final.messages).toHaveLength(CONCURRENT_UPDATES);
      expect(new Set(final.messages.map((message) => message.content)).size).toBe(CONCURRENT_UPDATES);
      expect(final.version).toBe(CONCURRENT_UPDATES + 1);
      expect(new Set(results.map((result) => result.version)).size).toBe(CONCURRENT_UPDATES);
    });

    it('gives a lock to one holder until it is released', async () => {
      const { stores } = await open(LONG_TTL_MS, 2);
      const release = await stores[0].tryLock('c1', LONG_TTL_MS);
      expect(release).toBeDefined();
      expect(await stores[1].tryLock('c1', LONG_TTL_MS)).toBeUndefined();
      expect(await stores[0].tryLock('c1', LONG_TTL_MS)).toBeUndefined();
      expect(await stores[1].tryLock('c2', LONG_TTL_MS)).toBeDefined();
      await release!();
      expect(await stores[1].tryLock('c1', LONG_TTL_MS)).toBeDefined();
    });

    it("frees an expired lock, and a late release does not free the next holder's lock", async () => {
      const { stores, advance } = await open(LONG_TTL_MS, 2);
      const stale = await stores[0].tryLock('c1', harness.shortTtlMs);
      expect(stale).toBeDefined();
      advance(harness.shortTtlMs + 1);
      let next: (() => Promise<void>) | undefined;
      await eventually('the lock expires', async () => {
        next = await stores[1].tryLock('c1', LONG_TTL_MS);
        return next !== undefined;
      });
      await stale!();
      expect(await stores[0].tryLock('c1', LONG_TTL_MS)).toBeUndefined();
    });

    it('counts active conversations, not finished, deleted or expired ones', async () => {
      const { stores, advance } = await open(harness.shortTtlMs, 2);
      await stores[0].create(sampleConversation('a'));
      await stores[1].create(sampleConversation('b'));
      await stores[0].create(sampleConversation('c'));
      await stores[1].create(sampleConversation('d', { status: 'finished' }));
      expect(await stores[1].countActive()).toBe(3);
      await stores[0].update('a', (current) => ({ ...current, status: 'finished' }));
      expect(await stores[0].countActive()).toBe(2);
      await stores[1].delete('b');
      expect(await stores[0].countActive()).toBe(1);
      advance(harness.shortTtlMs + 1);
      await eventually(
        'the last active conversation expires',
        async () => (await stores[0].countActive()) === 0,
      );
    });

    it('answers ping while reachable', async () => {
      const [store] = (await open()).stores;
      await expect(store.ping()).resolves.toBeUndefined();
    });
  });
}
