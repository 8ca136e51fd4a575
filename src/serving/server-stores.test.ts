// The server with real stores: readiness pings them, /metrics counts active conversations.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { METRIC } from './metric-names.js';
import { JsonlTrajectoryStore } from './stores/jsonl-trajectory-store.js';
import { MemoryConversationStore } from './stores/memory-conversation-store.js';
import { sampleConversation } from './stores/test-support/sample-conversation.js';
import { buildTestServer, type TestServer } from './test-support/test-server.js';

let server: TestServer | undefined;
const folder = mkdtempSync(join(tmpdir(), 'server-stores-'));
afterEach(async () => {
  await server?.app.close();
  server = undefined;
});
afterAll(() => rmSync(folder, { recursive: true, force: true }));

describe('buildServer with stores', () => {
  it('is ready when the stores answer their ping', async () => {
    server = await buildTestServer({
      conversations: new MemoryConversationStore(),
      trajectories: new JsonlTrajectoryStore({ path: join(folder, 'captured', 'trajectories.jsonl') }),
    });
    const response = await server.app.inject({ url: '/readyz' });
    expect(response.statusCode).toBe(200);
    expect(Object.keys(response.json().checks).sort()).toEqual(['conversations', 'model', 'trajectories']);
  });

  it('is not ready, naming the store and why, when a store cannot be written', async () => {
    const blocker = join(folder, 'a-file');
    writeFileSync(blocker, 'not a folder');
    server = await buildTestServer({
      trajectories: new JsonlTrajectoryStore({ path: join(blocker, 'sub', 'trajectories.jsonl') }),
    });
    const response = await server.app.inject({ url: '/readyz' });
    expect(response.statusCode).toBe(503);
    expect(response.json().checks.trajectories.ready).toBe(false);
    expect(response.json().error.message).toMatch(/^trajectories: /);
  });

  it('reports active conversations from the store on /metrics', async () => {
    const conversations = new MemoryConversationStore();
    await conversations.create(sampleConversation('c1'));
    await conversations.create(sampleConversation('c2'));
    await conversations.create(sampleConversation('c3', { status: 'finished' }));
    server = await buildTestServer({ conversations });
    const text = (await server.app.inject({ url: '/metrics' })).body;
    expect(text).toContain(`${METRIC.activeConversations} 2`);
  });

  it('leaves the stores it was given open when the app closes (the caller owns them)', async () => {
    const conversations = new MemoryConversationStore();
    await conversations.create(sampleConversation('kept'));
    server = await buildTestServer({ conversations });
    await server.app.close();
    server = undefined;
    expect((await conversations.get('kept'))?.id).toBe('kept');
  });
});
