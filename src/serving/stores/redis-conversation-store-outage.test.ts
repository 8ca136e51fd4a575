import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisConversationStore } from './redis-conversation-store.js';
import { eventually } from './test-support/eventually.js';
import { RedisTestServer } from './test-support/redis-server.js';
import { sampleConversation } from './test-support/sample-conversation.js';

let server: RedisTestServer;
beforeAll(async () => {
  server = await RedisTestServer.launch();
});
afterAll(async () => {
  await server.close();
});

describe('RedisConversationStore while Redis is down', () => {
  it('fails fast with store_unavailable, and works again once Redis is back', async () => {
    const store = new RedisConversationStore({ url: server.url, keyPrefix: 'outage:' });
    try {
      await store.create(sampleConversation('c1'));
      await server.stop();

      const started = performance.now();
      await expect(store.get('c1')).rejects.toMatchObject({ code: 'store_unavailable' });
      await expect(store.ping()).rejects.toMatchObject({ code: 'store_unavailable' });
      await expect(store.update('c1', (current) => current)).rejects.toMatchObject({
        code: 'store_unavailable',
      });
      await expect(store.tryLock('c1', 1_000)).rejects.toMatchObject({ code: 'store_unavailable' });
      await expect(store.countActive()).rejects.toMatchObject({ code: 'store_unavailable' });
      // Each call fails at once while the client waits to reconnect, or after one connection
      // attempt (refused at once on loopback): nothing waits for the 2 s timeouts.
      expect(performance.now() - started).toBeLessThan(2_000);

      await server.start();
      // The server restarted empty (no persistence); the client reconnects on its own.
      await eventually('the store reconnects', async () => {
        try {
          await store.ping();
          return true;
        } catch {
          return false;
        }
      });
      expect(await store.get('c1')).toBeUndefined();
      await store.create(sampleConversation('c1'));
      expect((await store.update('c1', (current) => current)).version).toBe(2);
    } finally {
      await store.close();
    }
  });

  it('fails with store_unavailable after commandTimeoutMs when Redis hangs, then recovers', async () => {
    const store = new RedisConversationStore({ url: server.url, keyPrefix: 'hang:', commandTimeoutMs: 300 });
    try {
      await store.create(sampleConversation('c1'));
      server.pause();
      const started = performance.now();
      await expect(store.get('c1')).rejects.toMatchObject({
        code: 'store_unavailable',
        message: expect.stringMatching(/timed out/i),
      });
      const waited = performance.now() - started;
      expect(waited).toBeGreaterThanOrEqual(250);
      expect(waited).toBeLessThan(2_000);
      server.resume();
      expect((await store.get('c1'))?.version).toBe(1);
    } finally {
      server.resume();
      await store.close();
    }
  });

  it('fails with store_unavailable when Redis was never reachable, and closes cleanly', async () => {
    const port = server.port;
    await server.stop();
    const store = new RedisConversationStore({ url: `redis://127.0.0.1:${port}`, keyPrefix: 'never:' });
    try {
      await expect(store.create(sampleConversation('c1'))).rejects.toMatchObject({
        code: 'store_unavailable',
        message: expect.stringMatching(/^redis create failed: /),
      });
    } finally {
      await store.close();
      await server.start();
    }
  });
});
