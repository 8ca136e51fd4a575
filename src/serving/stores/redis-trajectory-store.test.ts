import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CapturedConversation } from '../trajectory-store.js';
import type { InvalidLine } from './captured-conversation-json.js';
import { RedisTrajectoryStore } from './redis-trajectory-store.js';
import { RedisTestServer } from './test-support/redis-server.js';
import { sampleCapture } from './test-support/sample-capture.js';

let server: RedisTestServer;
beforeAll(async () => {
  server = await RedisTestServer.launch();
});
afterAll(async () => {
  await server.close();
});

async function readAll(store: RedisTrajectoryStore): Promise<CapturedConversation[]> {
  const records: CapturedConversation[] = [];
  for await (const record of store.read()) records.push(record);
  return records;
}

describe('RedisTrajectoryStore', () => {
  it('reads back exactly what was appended, oldest first, across pages', async () => {
    const key = `test:${randomUUID()}`;
    const store = new RedisTrajectoryStore({ url: server.url, key, pageSize: 2 });
    try {
      expect(await readAll(store)).toEqual([]);
      const records = ['a', 'b', 'c', 'd', 'e'].map((id) => sampleCapture({ id, ratings: [1] }));
      for (const record of records) await store.append(record);
      await store.flush();
      const read = await readAll(store);
      expect(read).toEqual(records);
      expect(Object.is(read[4].trajectory.turns[0].tokens?.logprobs[1], -0)).toBe(true);
    } finally {
      await store.close();
    }
  });

  it('keeps every record whole under concurrent appends from several replicas', async () => {
    const key = `test:${randomUUID()}`;
    const replicas = [1, 2, 3].map(() => new RedisTrajectoryStore({ url: server.url, key }));
    try {
      const ids = Array.from({ length: 90 }, (_, index) => `c${index}`);
      await Promise.all(ids.map((id, index) => replicas[index % 3].append(sampleCapture({ id }))));
      const read = await readAll(replicas[0]);
      expect(read.map((record) => record.trajectory.id).sort()).toEqual([...ids].sort());
    } finally {
      await Promise.all(replicas.map((store) => store.close()));
    }
  });

  it('names a malformed item by its position, or skips and reports it when asked', async () => {
    const key = `test:${randomUUID()}`;
    const raw = new Redis(server.url);
    const store = new RedisTrajectoryStore({ url: server.url, key });
    try {
      await store.append(sampleCapture({ id: 'a' }));
      await raw.rpush(key, '{"trajectory":');
      await store.append(sampleCapture({ id: 'c' }));
      await expect(readAll(store)).rejects.toMatchObject({
        code: 'trajectory_store_corrupt',
        message: expect.stringMatching(new RegExp(`^redis list ${key} item 2: invalid JSON`)),
      });
      const invalid: InvalidLine[] = [];
      const lenient = new RedisTrajectoryStore({
        url: server.url,
        key,
        onInvalidLine: (line) => invalid.push(line),
      });
      expect((await readAll(lenient)).map((record) => record.trajectory.id)).toEqual(['a', 'c']);
      expect(invalid).toEqual([{ line: 2, message: expect.stringMatching(/^invalid JSON/) }]);
      await lenient.close();
    } finally {
      raw.disconnect();
      await store.close();
    }
  });

  it('fails with store_unavailable while Redis is down', async () => {
    const store = new RedisTrajectoryStore({ url: server.url, key: `test:${randomUUID()}` });
    try {
      await store.ping();
      await server.stop();
      await expect(store.append(sampleCapture({ id: 'a' }))).rejects.toMatchObject({
        code: 'store_unavailable',
      });
      await expect(store.ping()).rejects.toMatchObject({ code: 'store_unavailable' });
    } finally {
      await store.close();
      await server.start();
    }
  });
});
