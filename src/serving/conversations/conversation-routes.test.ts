// The conversation routes through the real server (auth, scopes, error envelope) with the echo
// backend: creating, talking (tool calls run server-side on the retail database), reading, ownership,
// limits and bad bodies. Capture, feedback, DELETE and concurrency have their own test files.

import { afterEach, describe, expect, it } from 'vitest';
import { SUPPORT_LITE_POLICY } from '../../environments/support-lite/texts.js';
import { EchoBackend } from '../test-support/echo-backend.js';
import { as, conversationServer, type ConversationServer } from './test-support/conversation-server.js';

const ORDER = '#W5918442'; // pending in τ-bench's retail data

let server: ConversationServer | undefined;
afterEach(async () => {
  await server?.app.close();
  server = undefined;
});

async function start(options: Parameters<typeof conversationServer>[0] = {}): Promise<ConversationServer> {
  server = await conversationServer(options);
  return server;
}

async function create(
  app: ConversationServer['app'],
  body: Record<string, unknown>,
  who: 'alice' | 'bob' = 'alice',
) {
  const response = await app.inject({
    method: 'POST',
    url: '/v1/conversations',
    headers: as(who),
    payload: body,
  });
  expect(response.statusCode, response.body).toBe(201);
  return response.json<{ id: string }>().id;
}

const say = (app: ConversationServer['app'], id: string, content: string, who: 'alice' | 'bob' = 'alice') =>
  app.inject({
    method: 'POST',
    url: `/v1/conversations/${id}/messages`,
    headers: as(who),
    payload: { content },
  });

describe('conversation routes', () => {
  it('creates a conversation with the world’s system prompt and answers messages', async () => {
    const { app } = await start();
    const created = await app.inject({
      method: 'POST',
      url: '/v1/conversations',
      headers: as('alice'),
      payload: { environment: 'none', system: 'Be brief.', metadata: { ticket: 42 } },
    });
    expect(created.statusCode).toBe(201);
    const body = created.json();
    expect(body).toMatchObject({
      environment: 'none',
      agent: 'echo',
      status: 'active',
      userTurns: 0,
      messages: [{ role: 'system', content: 'Be brief.' }],
      metadata: { ticket: 42 },
    });
    expect(body.id).toMatch(/^conv_[0-9a-f]{32}$/);

    const reply = await say(app, body.id, 'hello');
    expect(reply.statusCode).toBe(200);
    expect(reply.json()).toMatchObject({
      conversationId: body.id,
      messages: [{ role: 'assistant', content: 'olleh' }],
      end: 'answered',
      status: 'active',
      degraded: false,
      usage: { completionTokens: 5 },
    });
    const read = await app.inject({
      method: 'GET',
      url: `/v1/conversations/${body.id}`,
      headers: as('alice'),
    });
    expect(read.statusCode).toBe(200);
    expect(read.json().messages.map((message: { content: string }) => message.content)).toEqual([
      'Be brief.',
      'hello',
      'olleh',
    ]);
    expect(read.json().userTurns).toBe(1);
  });

  it('answers a first message given at creation in the same request', async () => {
    const { app } = await start();
    const created = await app.inject({
      method: 'POST',
      url: '/v1/conversations',
      headers: as('alice'),
      payload: { environment: 'support-lite', message: 'hi there' },
    });
    expect(created.statusCode).toBe(201);
    const body = created.json();
    expect(body.messages[0]).toEqual({ role: 'system', content: SUPPORT_LITE_POLICY });
    expect(body.turn).toMatchObject({
      messages: [{ role: 'assistant', content: 'ereht ih' }],
      status: 'active',
    });
    expect(body.messages.at(-1)).toEqual({ role: 'assistant', content: 'ereht ih' });
  });

  it('runs tool calls on the conversation’s own copy of the retail database', async () => {
    const { app } = await start();
    const id = await create(app, { environment: 'retail' });
    const cancel = await say(
      app,
      id,
      `call cancel_pending_order {"order_id":"${ORDER}","reason":"no longer needed"}`,
    );
    expect(cancel.statusCode).toBe(200);
    const [call, result, answer] = cancel.json().messages;
    expect(call).toMatchObject({ role: 'assistant', toolCalls: [{ name: 'cancel_pending_order' }] });
    expect(result).toMatchObject({
      role: 'tool',
      name: 'cancel_pending_order',
      toolCallId: call.toolCalls[0].id,
    });
    expect(JSON.parse(result.content).status).toBe('cancelled');
    expect(answer).toMatchObject({
      role: 'assistant',
      content: expect.stringMatching(/^cancel_pending_order returned/),
    });
    expect(cancel.json().end).toBe('answered');

    const details = await say(app, id, `call get_order_details {"order_id":"${ORDER}"}`);
    expect(JSON.parse(details.json().messages[1].content).status).toBe('cancelled');
    // Another conversation has its own database: the order is still pending there.
    const other = await create(app, { environment: 'retail' });
    const fresh = await say(app, other, `call get_order_details {"order_id":"${ORDER}"}`);
    expect(JSON.parse(fresh.json().messages[1].content).status).toBe('pending');
  });

  it('gives the word back after maxToolRounds model turns that call tools', async () => {
    const { app } = await start({ routes: { config: { maxToolRounds: 1 } } });
    const id = await create(app, { environment: 'retail' });
    const reply = await say(app, id, `call get_order_details {"order_id":"${ORDER}"}`);
    expect(reply.json()).toMatchObject({ end: 'round_limit', status: 'active' });
    expect(reply.json().messages.map((message: { role: string }) => message.role)).toEqual([
      'assistant',
      'tool',
    ]);
  });

  it('finishes the conversation on a terminal tool and then refuses messages with 409', async () => {
    const { app } = await start();
    const id = await create(app, { environment: 'retail' });
    const transfer = await say(app, id, 'call transfer_to_human_agents {"summary":"wants a human"}');
    expect(transfer.json()).toMatchObject({
      end: 'terminal_tool',
      status: 'finished',
      stopReason: 'terminal_tool',
      captured: true,
    });
    const after = await say(app, id, 'hello?');
    expect(after.statusCode).toBe(409);
    expect(after.json().error.code).toBe('conversation_finished');
    const read = await app.inject({ method: 'GET', url: `/v1/conversations/${id}`, headers: as('alice') });
    expect(read.json()).toMatchObject({ status: 'finished', stopReason: 'terminal_tool' });
  });

  it('finishes the conversation with max_turns at the turn limit', async () => {
    const { app } = await start({ routes: { config: { maxConversationTurns: 2 } } });
    const id = await create(app, { environment: 'none' });
    expect((await say(app, id, 'one')).json().status).toBe('active');
    expect((await say(app, id, 'two')).json()).toMatchObject({ status: 'finished', stopReason: 'max_turns' });
    expect((await say(app, id, 'three')).json().error.code).toBe('conversation_finished');
  });

  it('answers 404 alike for unknown, malformed and other keys’ conversations', async () => {
    const { app } = await start();
    const id = await create(app, { environment: 'none' });
    const unknown = 'conv_' + '0'.repeat(32);
    for (const target of [unknown, 'not-an-id', id]) {
      const requests = [
        app.inject({ method: 'GET', url: `/v1/conversations/${target}`, headers: as('bob') }),
        say(app, target, 'hi', 'bob'),
        app.inject({ method: 'DELETE', url: `/v1/conversations/${target}`, headers: as('bob') }),
        app.inject({
          method: 'POST',
          url: `/v1/conversations/${target}/feedback`,
          headers: as('bob'),
          payload: { rating: 1 },
        }),
      ];
      for (const response of await Promise.all(requests)) {
        expect(response.statusCode).toBe(404);
        expect(response.json().error).toMatchObject({
          code: 'conversation_not_found',
          message: `no conversation with id "${target}"`,
        });
      }
    }
    // Bob's attempts changed nothing.
    const read = await app.inject({ method: 'GET', url: `/v1/conversations/${id}`, headers: as('alice') });
    expect(read.json()).toMatchObject({ status: 'active', messages: [], feedback: [] });
  });

  it('needs the chat scope and a key', async () => {
    const { app } = await start();
    const trainer = await app.inject({
      method: 'POST',
      url: '/v1/conversations',
      headers: { authorization: 'Bearer trainer-key-789' },
      payload: { environment: 'none' },
    });
    expect(trainer.statusCode).toBe(403);
    const anonymous = await app.inject({
      method: 'POST',
      url: '/v1/conversations',
      payload: { environment: 'none' },
    });
    expect(anonymous.statusCode).toBe(401);
  });

  it('answers 400 request_invalid naming the field for bad bodies', async () => {
    const { app } = await start({ routes: { config: { maxMetadataChars: 20 } } });
    const id = await create(app, { environment: 'none' });
    const cases: [string, string, unknown, RegExp][] = [
      ['/v1/conversations', 'POST', {}, /environment/],
      ['/v1/conversations', 'POST', { environment: 'casino' }, /environment/],
      ['/v1/conversations', 'POST', { environment: 'none', colour: 'red' }, /colour/],
      [
        '/v1/conversations',
        'POST',
        { environment: 'none', sampling: { maxTokens: 1e9 } },
        /sampling\.maxTokens/,
      ],
      ['/v1/conversations', 'POST', { environment: 'none', sampling: { temperature: -1 } }, /temperature/],
      ['/v1/conversations', 'POST', { environment: 'none', metadata: { note: 'x'.repeat(30) } }, /metadata/],
      ['/v1/conversations', 'POST', { environment: 'none', message: '' }, /message/],
      [`/v1/conversations/${id}/messages`, 'POST', {}, /content/],
      [`/v1/conversations/${id}/messages`, 'POST', { content: 7 }, /content/],
      [`/v1/conversations/${id}/messages`, 'POST', { content: 'x'.repeat(65_537) }, /content/],
      [`/v1/conversations/${id}/feedback`, 'POST', { rating: 2 }, /rating/],
      [`/v1/conversations/${id}/feedback`, 'POST', { rating: 1, stars: 5 }, /exactly one/],
      [`/v1/conversations/${id}/feedback`, 'POST', { stars: 2.5 }, /stars/],
      [`/v1/conversations/${id}/feedback`, 'POST', {}, /exactly one/],
    ];
    for (const [url, method, payload, problem] of cases) {
      const response = await app.inject({
        method: method as 'POST',
        url,
        headers: as('alice'),
        payload: payload as object,
      });
      expect(response.statusCode, `${url} ${JSON.stringify(payload).slice(0, 80)}`).toBe(400);
      expect(response.json().error.code).toBe('request_invalid');
      expect(response.json().error.message).toMatch(problem);
    }
    const read = await app.inject({ method: 'GET', url: `/v1/conversations/${id}`, headers: as('alice') });
    expect(read.json()).toMatchObject({ messages: [], feedback: [], userTurns: 0 });
  });

  it('leaves the conversation unchanged when the model fails, and no conversation when the first turn fails', async () => {
    const { app, store } = await start();
    const id = await create(app, { environment: 'none' });
    await say(app, id, 'hello');
    const failed = await say(app, id, 'fail overloaded');
    expect(failed.statusCode).toBe(503);
    expect(failed.json().error.code).toBe('overloaded');
    const read = await app.inject({ method: 'GET', url: `/v1/conversations/${id}`, headers: as('alice') });
    expect(read.json()).toMatchObject({
      userTurns: 1,
      messages: [{ content: 'hello' }, { content: 'olleh' }],
    });

    const first = await app.inject({
      method: 'POST',
      url: '/v1/conversations',
      headers: as('alice'),
      payload: { environment: 'none', message: 'fail overloaded' },
    });
    expect(first.statusCode).toBe(503);
    expect(await store.countActive()).toBe(1);
  });

  it('answers 503 model_unavailable without a model', async () => {
    const { app } = await start();
    await app.close();
    server = await conversationServer({ noBackend: true });
    const response = await server.app.inject({
      method: 'POST',
      url: '/v1/conversations',
      headers: as('alice'),
      payload: { environment: 'none' },
    });
    expect(response.statusCode).toBe(503);
    expect(response.json().error.code).toBe('model_unavailable');
  });

  it('passes the conversation’s sampling settings to every model call', async () => {
    const backend = new EchoBackend();
    const { app } = await start({ backend });
    const id = await create(app, {
      environment: 'none',
      sampling: { temperature: 0.5, maxTokens: 3, seed: 9 },
    });
    const reply = await say(app, id, 'hello');
    expect(reply.json().messages[0].content).toBe('oll');
    expect(backend.requests.at(-1)?.sampling).toEqual({ temperature: 0.5, maxTokens: 3, seed: 9 });
  });
});
