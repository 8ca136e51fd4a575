import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { RedisTestServer } from './redis-server.js';

describe('RedisTestServer', () => {
  it('runs a real redis-server on a loopback port, stops it and starts it again', async () => {
    const server = await RedisTestServer.launch();
    const client = new Redis(server.url, { maxRetriesPerRequest: 0, retryStrategy: () => null });
    try {
      expect(server.url).toBe(`redis://127.0.0.1:${server.port}`);
      await client.set('key', 'value');
      expect(await client.get('key')).toBe('value');
      await server.stop();
      await expect(client.ping()).rejects.toThrow();
      await server.start();
      const again = new Redis(server.url);
      expect(await again.get('key')).toBeNull(); // no persistence: a restart starts empty
      again.disconnect();
    } finally {
      client.disconnect();
      await server.close();
    }
  });

  it('says how to install redis-server when it is missing', async () => {
    await expect(RedisTestServer.launch({ command: 'redis-server-that-is-not-installed' })).rejects.toThrow(
      /redis-server is not installed.*\.ci\/run.*apt-get install -y redis-server/s,
    );
  });
});
