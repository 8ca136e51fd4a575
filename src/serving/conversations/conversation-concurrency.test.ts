// One turn at a time per conversation: a message or DELETE during a turn gets 409, feedback during a
// turn is kept, a turn past its time limit is dropped with 504; the trace id of a turn is on every
// log line of it and in the answer.

import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { EchoBackend } from '../test-support/echo-backend.js';
import { GatedBackend } from './test-support/gated-backend.js';
import { as, conversationServer, type ConversationServer } from './test-support/conversation-server.js';

let server: ConversationServer | undefined;
afterEach(async () => {
  await server?.app.close();
  server = undefined;
});

async function start(options: Parameters<typeof conversationServer>[0] = {}) {
  server = await conversationServer(options);
  const { app } = server;
  const created = await app.inject({
    method: 'POST',
    url: '/v1/conversations',
    headers: as('alice'),
    payload: { environment: 'retail' },
  });
  const id = created.json<{ id: string }>().id;
  const say = (content: string, headers: Record<string, string> = {}) =>
    app.inject({
      method: 'POST',
      url: `/v1/conversations/${id}/messages`,
      headers: { ...as('alice'), ...headers },
      payload: { content },
    });
  const read = async () =>
    (await app.inject({ method: 'GET', url: `/v1/conversations/${id}`, headers: as('alice') })).json();
  return { app, id, say, read };
}

describe('conversation turns', () => {
  it('takes one turn at a time: 409 conversation_busy for a second message or a DELETE, feedback kept', async () => {
    const gate = new GatedBackend(new EchoBackend());
    const { app, id, say, read } = await start({ backend: gate });
    const entered = gate.hold();
    const first = say('hello');
    await entered;
    const second = await say('again');
    expect(second.statusCode).toBe(409);
    expect(second.json().error.code).toBe('conversation_busy');
    const removed = await app.inject({
      method: 'DELETE',
      url: `/v1/conversations/${id}`,
      headers: as('alice'),
    });
    expect(removed.statusCode).toBe(409);
    const rated = await app.inject({
      method: 'POST',
      url: `/v1/conversations/${id}/feedback`,
      headers: as('alice'),
      payload: { rating: 1, comment: 'during the turn' },
    });
    expect(rated.statusCode).toBe(201);
    gate.release();
    expect((await first).statusCode).toBe(200);
    const after = await read();
    expect(after.messages.slice(1).map((message: { content: string }) => message.content)).toEqual([
      'hello',
      'olleh',
    ]);
    expect(after.feedback).toMatchObject([{ comment: 'during the turn' }]);
    expect((await say('again')).statusCode).toBe(200); // the lock was released
  });

  it('drops a turn past its time limit with 504 and leaves the conversation as it was', async () => {
    const gate = new GatedBackend(new EchoBackend());
    const { say, read } = await start({ backend: gate, routes: { config: { turnTimeoutMs: 50 } } });
    const entered = gate.hold();
    const pending = say('hello');
    await entered;
    const signal = gate.waiting?.signal;
    if (signal === undefined) throw new Error('the backend got no abort signal');
    if (!signal.aborted) await once(signal, 'abort');
    gate.release();
    const timedOut = await pending;
    expect(timedOut.statusCode).toBe(504);
    expect(timedOut.json().error.code).toBe('conversation_turn_timeout');
    expect((await read()).userTurns).toBe(0);
    expect((await say('again')).statusCode).toBe(200);
  });

  it('logs every line of a turn with its trace id and returns it', async () => {
    const { id, say, read } = await start();
    const traced = await say('call get_order_details {"order_id":"#W5918442"}', {
      'x-trace-id': 'trace-abc.1',
    });
    expect(traced.headers['x-trace-id']).toBe('trace-abc.1');
    expect(traced.json().traceId).toBe('trace-abc.1');
    const lines = server!
      .logs()
      .filter((line) => line.conversationId === id && line.msg !== 'conversation created');
    expect(lines.map((line) => line.msg)).toEqual(['assistant turn', 'assistant turn', 'turn stored']);
    for (const line of lines) expect(line.traceId).toBe('trace-abc.1');

    const generated = await say('hello');
    expect(generated.json().traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(generated.headers['x-trace-id']).toBe(generated.json().traceId);
    expect((await read()).userTurns).toBe(2);
  });
});
