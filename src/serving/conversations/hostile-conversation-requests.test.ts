// The hostile-request corpus for the conversation routes: unknown and malformed ids, another key's
// conversation, wrong types, prototype-polluting keys and oversized fields each get the right 4xx
// in the one envelope, never revealing another key's conversation, and the server keeps serving.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { as, conversationServer, type ConversationServer } from './test-support/conversation-server.js';

let server: ConversationServer;
let aliceId: string;

beforeAll(async () => {
  server = await conversationServer();
  const created = await server.app.inject({
    method: 'POST',
    url: '/v1/conversations',
    headers: as('alice'),
    payload: { environment: 'none', system: 'Be brief.' },
  });
  aliceId = created.json<{ id: string }>().id;
});
afterAll(async () => {
  await server.app.close();
});

type Case = {
  readonly name: string;
  readonly status: number;
  readonly code: string;
  readonly method: 'GET' | 'POST' | 'DELETE';
  /** The path; `ID` stands for alice's conversation. */
  readonly url: string;
  readonly body?: unknown;
  readonly who?: 'alice' | 'bob' | 'trainer';
};

const UNKNOWN = 'conv_00000000000000000000000000000000';

const CASES: readonly Case[] = [
  {
    name: 'unknown id',
    status: 404,
    code: 'conversation_not_found',
    method: 'GET',
    url: `/v1/conversations/${UNKNOWN}`,
  },
  {
    name: 'malformed id',
    status: 404,
    code: 'conversation_not_found',
    method: 'GET',
    url: '/v1/conversations/..%2F..%2Fetc',
  },
  {
    name: "another key's conversation: read",
    status: 404,
    code: 'conversation_not_found',
    method: 'GET',
    url: '/v1/conversations/ID',
    who: 'bob',
  },
  {
    name: "another key's conversation: message",
    status: 404,
    code: 'conversation_not_found',
    method: 'POST',
    url: '/v1/conversations/ID/messages',
    body: { content: 'hi' },
    who: 'bob',
  },
  {
    name: "another key's conversation: feedback",
    status: 404,
    code: 'conversation_not_found',
    method: 'POST',
    url: '/v1/conversations/ID/feedback',
    body: { rating: 1 },
    who: 'bob',
  },
  {
    name: "another key's conversation: delete",
    status: 404,
    code: 'conversation_not_found',
    method: 'DELETE',
    url: '/v1/conversations/ID',
    who: 'bob',
  },
  {
    name: 'a key without the chat scope',
    status: 403,
    code: 'forbidden',
    method: 'GET',
    url: '/v1/conversations/ID',
    who: 'trainer',
  },
  {
    name: 'unknown environment',
    status: 400,
    code: 'request_invalid',
    method: 'POST',
    url: '/v1/conversations',
    body: { environment: 'bank' },
  },
  {
    name: 'environment is a number',
    status: 400,
    code: 'request_invalid',
    method: 'POST',
    url: '/v1/conversations',
    body: { environment: 7 },
  },
  {
    name: 'content is an object',
    status: 400,
    code: 'request_invalid',
    method: 'POST',
    url: '/v1/conversations/ID/messages',
    body: { content: { text: 'hi' } },
  },
  {
    name: 'content is missing',
    status: 400,
    code: 'request_invalid',
    method: 'POST',
    url: '/v1/conversations/ID/messages',
    body: {},
  },
  {
    name: 'content too long',
    status: 400,
    code: 'request_invalid',
    method: 'POST',
    url: '/v1/conversations/ID/messages',
    body: { content: 'x'.repeat(200_000) },
  },
  {
    name: 'prototype-polluting metadata',
    status: 400,
    code: 'request_invalid',
    method: 'POST',
    url: '/v1/conversations',
    body: '{"environment":"none","metadata":{"__proto__":{"polluted":true}}}',
  },
  {
    name: 'rating is a string',
    status: 400,
    code: 'request_invalid',
    method: 'POST',
    url: '/v1/conversations/ID/feedback',
    body: { rating: 'great' },
  },
  {
    name: 'rating out of range',
    status: 400,
    code: 'request_invalid',
    method: 'POST',
    url: '/v1/conversations/ID/feedback',
    body: { rating: 99 },
  },
];

describe('hostile conversation requests', () => {
  it.each(CASES)('$name → $status $code', async (testCase) => {
    const isText = typeof testCase.body === 'string';
    const response = await server.app.inject({
      method: testCase.method,
      url: testCase.url.replace('ID', aliceId),
      headers: { ...as(testCase.who ?? 'alice'), ...(isText ? { 'content-type': 'application/json' } : {}) },
      ...(testCase.body === undefined ? {} : { payload: testCase.body as string | object }),
    });
    expect(response.statusCode, response.body).toBe(testCase.status);
    const body = response.json();
    expect(Object.keys(body)).toEqual(['error']);
    expect(body.error.code).toBe(testCase.code);
    expect(body.error.requestId).toBe(response.headers['x-request-id']);
    // Nothing of alice's conversation reaches anyone else, and no stack trace reaches anyone.
    expect(response.body).not.toMatch(/Be brief|\bat .*\.[jt]s:\d+/);
  });

  it("keeps serving afterwards: alice's conversation is intact and answers, nothing polluted", async () => {
    const reply = await server.app.inject({
      method: 'POST',
      url: `/v1/conversations/${aliceId}/messages`,
      headers: as('alice'),
      payload: { content: 'hello' },
    });
    expect(reply.statusCode, reply.body).toBe(200);
    const read = await server.app.inject({ url: `/v1/conversations/${aliceId}`, headers: as('alice') });
    expect(read.statusCode).toBe(200);
    const messages = read.json<{ messages: { role: string; content: string }[] }>().messages;
    expect(messages.map((message) => message.role)).toEqual(['system', 'user', 'assistant']);
    expect(messages[2].content).toBe('olleh');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
