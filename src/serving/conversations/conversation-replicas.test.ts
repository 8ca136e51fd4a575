// Two server instances (replicas) sharing one conversation store in a real Redis: a conversation
// continued on either replica sees the tool state changes made on the other, because each replica
// rebuilds (or brings up to date) the state by replaying the stored tool calls.

import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisConversationStore } from '../stores/redis-conversation-store.js';
import { RedisTestServer } from '../stores/test-support/redis-server.js';
import { ArrayTrajectoryStore } from './test-support/array-trajectory-store.js';
import { as, conversationServer, type ConversationServer } from './test-support/conversation-server.js';

const ORDER = '#W5918442'; // pending in τ-bench's retail data
const DETAILS = `call get_order_details {"order_id":"${ORDER}"}`;
const CANCEL = `call cancel_pending_order {"order_id":"${ORDER}","reason":"no longer needed"}`;

let redis: RedisTestServer;
let replicas: ConversationServer[];
let stores: RedisConversationStore[];

beforeAll(async () => {
  redis = await RedisTestServer.launch();
  const keyPrefix = `replicas:${randomUUID()}:`;
  const trajectories = new ArrayTrajectoryStore(); // one shared capture destination
  stores = [0, 1].map(() => new RedisConversationStore({ url: redis.url, keyPrefix }));
  replicas = await Promise.all(stores.map((store) => conversationServer({ store, trajectories })));
});

afterAll(async () => {
  for (const replica of replicas ?? []) await replica.app.close();
  for (const store of stores ?? []) await store.close();
  await redis?.close();
});

async function say(replica: ConversationServer, id: string, content: string) {
  const response = await replica.app.inject({
    method: 'POST',
    url: `/v1/conversations/${id}/messages`,
    headers: as('alice'),
    payload: { content },
  });
  expect(response.statusCode, response.body).toBe(200);
  return response.json<{ messages: { role: string; content: string }[] }>();
}

/** The order's status in the tool result of a turn. */
const orderStatus = (turn: { messages: { role: string; content: string }[] }) =>
  JSON.parse(turn.messages.find((message) => message.role === 'tool')!.content).status;

describe('conversations across replicas', () => {
  it('continues on replica B with the state replica A changed, and back', async () => {
    const [a, b] = replicas;
    const created = await a.app.inject({
      method: 'POST',
      url: '/v1/conversations',
      headers: as('alice'),
      payload: { environment: 'retail' },
    });
    const id = created.json<{ id: string }>().id;

    expect(orderStatus(await say(a, id, DETAILS))).toBe('pending'); // A now holds the state
    expect(orderStatus(await say(b, id, CANCEL))).toBe('cancelled'); // B rebuilt it by replay, then cancelled
    // A's held state predates the cancel: it replays B's turn before answering.
    expect(orderStatus(await say(a, id, DETAILS))).toBe('cancelled');
    // Cancelling again fails on either replica, as it would on one: the order is no longer pending.
    const again = await say(b, id, CANCEL);
    expect(again.messages.find((message) => message.role === 'tool')).toMatchObject({ isError: true });

    const replayLines = b
      .logs()
      .filter((line) => line.conversationId === id && line.msg === 'tool state rebuilt by replay');
    expect(replayLines.map((line) => line.replayedTurns)).toEqual([1, 1]);
    const mismatches = [...a.logs(), ...b.logs()].filter((line) =>
      String(line.msg).startsWith('replayed tool calls'),
    );
    expect(mismatches).toEqual([]);
  });

  it('shows the conversation to its owner on every replica and to no one else', async () => {
    const [a, b] = replicas;
    const created = await a.app.inject({
      method: 'POST',
      url: '/v1/conversations',
      headers: as('alice'),
      payload: { environment: 'none' },
    });
    const id = created.json<{ id: string }>().id;
    const fromB = await b.app.inject({ method: 'GET', url: `/v1/conversations/${id}`, headers: as('alice') });
    expect(fromB.statusCode).toBe(200);
    const bob = await b.app.inject({ method: 'GET', url: `/v1/conversations/${id}`, headers: as('bob') });
    expect(bob.statusCode).toBe(404);
  });
});
