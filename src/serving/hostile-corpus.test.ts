// A corpus of malformed, oversized and hostile requests: each gets the right 4xx in the one error
// envelope, and the server keeps serving afterwards.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EchoBackend } from './test-support/echo-backend.js';
import { buildTestServer, type TestServer } from './test-support/test-server.js';

const ALICE = { authorization: 'Bearer sk-alice' };
const BURST = 200;
let server: TestServer;

beforeAll(async () => {
  server = await buildTestServer({
    config: {
      apiKeys: 'alice:sk-alice:chat,trainer:sk-trainer:train,spender:sk-spender:chat',
      rateLimitPerMinute: 1,
      rateLimitBurst: BURST,
    },
    now: () => 0, // the clock stands still: no token is earned back during the test
  });
  for (let index = 0; index < BURST; index++) {
    await server.app.inject({ url: '/v1/models', headers: { authorization: 'Bearer sk-spender' } });
  }
});
afterAll(async () => {
  await server.app.close();
});

const user = (content: unknown) => ({ role: 'user', content });
const valid = { model: 'echo', messages: [user('hello')] };
const tool = (name: string) => ({ type: 'function', function: { name, parameters: { type: 'object' } } });
const deep = (levels: number) => '['.repeat(levels) + ']'.repeat(levels);

type Case = {
  readonly name: string;
  readonly status: number;
  readonly code: string;
  readonly method?: 'GET' | 'POST' | 'PUT' | 'DELETE';
  readonly url?: string;
  /** An object is sent as JSON; a string is sent as is with `contentType`. */
  readonly body?: unknown;
  readonly contentType?: string;
  readonly headers?: Record<string, string>;
  /** What the message must say, where the status alone could come from another check. */
  readonly message?: RegExp;
};

const CASES: readonly Case[] = [
  { name: 'messages is a string', status: 400, code: 'request_invalid', body: { ...valid, messages: 'hi' } },
  {
    name: 'temperature is a string',
    status: 400,
    code: 'request_invalid',
    body: { ...valid, temperature: 'hot' },
  },
  {
    name: 'temperature out of range',
    status: 400,
    code: 'request_invalid',
    body: { ...valid, temperature: 9 },
  },
  {
    name: 'unknown role',
    status: 400,
    code: 'request_invalid',
    body: { ...valid, messages: [{ role: 'wizard', content: 'x' }] },
  },
  {
    name: 'content is a number',
    status: 400,
    code: 'request_invalid',
    body: { ...valid, messages: [user(42)] },
  },
  {
    name: 'image content part',
    status: 400,
    code: 'request_invalid',
    body: { ...valid, messages: [user([{ type: 'image_url', image_url: { url: 'http://x' } }])] },
  },
  { name: 'no model', status: 400, code: 'request_invalid', body: { messages: valid.messages } },
  { name: 'no messages', status: 400, code: 'request_invalid', body: { model: 'echo', messages: [] } },
  {
    name: 'body is an array',
    status: 400,
    code: 'request_invalid',
    body: '[1,2,3]',
    contentType: 'application/json',
  },
  {
    name: 'body is null',
    status: 400,
    code: 'request_invalid',
    body: 'null',
    contentType: 'application/json',
  },
  { name: 'unknown parameter', status: 400, code: 'request_invalid', body: { ...valid, functions: [] } },
  { name: 'n > 1', status: 400, code: 'request_invalid', body: { ...valid, n: 3 } },
  {
    name: 'top_logprobs',
    status: 400,
    code: 'request_invalid',
    body: { ...valid, logprobs: true, top_logprobs: 5 },
  },
  {
    name: 'max_tokens over the limit',
    message: /at most 4096/,
    status: 400,
    code: 'request_invalid',
    body: { ...valid, max_tokens: 1_000_000 },
  },
  { name: 'max_tokens negative', status: 400, code: 'request_invalid', body: { ...valid, max_tokens: -1 } },
  {
    name: 'max_tokens fractional',
    status: 400,
    code: 'request_invalid',
    body: { ...valid, max_tokens: 1.5 },
  },
  {
    name: 'five stop sequences',
    status: 400,
    code: 'request_invalid',
    body: { ...valid, stop: ['a', 'b', 'c', 'd', 'e'] },
  },
  {
    name: 'too many messages',
    message: /at most 256 messages/,
    status: 400,
    code: 'request_invalid',
    body: { ...valid, messages: Array.from({ length: 257 }, () => user('x')) },
  },
  {
    name: 'message too long',
    message: /longer than 65536 characters/,
    status: 400,
    code: 'request_invalid',
    body: { ...valid, messages: [user('x'.repeat(65_537))] },
  },
  {
    name: 'too many tools',
    message: /at most 64 tools/,
    status: 400,
    code: 'request_invalid',
    body: { ...valid, tools: Array.from({ length: 65 }, (_, index) => tool(`t${index}`)) },
  },
  {
    name: 'tool name with spaces',
    status: 400,
    code: 'request_invalid',
    body: { ...valid, tools: [tool('rm -rf')] },
  },
  {
    name: 'tool result answering no call',
    status: 400,
    code: 'request_invalid',
    body: { ...valid, messages: [{ role: 'tool', tool_call_id: 'nope', content: 'x' }] },
  },
  {
    name: 'tool-call arguments as an object',
    status: 400,
    code: 'request_invalid',
    body: {
      ...valid,
      messages: [
        {
          role: 'assistant',
          content: '',
          tool_calls: [{ id: 'c', type: 'function', function: { name: 'f', arguments: { a: 1 } } }],
        },
      ],
    },
  },
  {
    name: 'deep JSON (5000 levels)',
    message: /nests deeper than 32 levels/,
    status: 400,
    code: 'request_invalid',
    body: `{"model":"echo","messages":[],"x":${deep(5000)}}`,
    contentType: 'application/json',
  },
  {
    name: 'deep JSON just past the limit',
    message: /nests deeper than 32 levels/,
    status: 400,
    code: 'request_invalid',
    body: `{"model":"echo","x":${deep(32)}}`,
    contentType: 'application/json',
  },
  {
    name: '__proto__ at the top',
    message: /"__proto__" is not allowed/,
    status: 400,
    code: 'request_invalid',
    body: '{"__proto__":{"polluted":true},"model":"echo","messages":[]}',
    contentType: 'application/json',
  },
  {
    name: 'constructor.prototype in a tool schema',
    message: /"constructor" is not allowed/,
    status: 400,
    code: 'request_invalid',
    body: JSON.stringify({
      ...valid,
      tools: [
        {
          type: 'function',
          function: { name: 'f', parameters: { constructor: { prototype: { polluted: true } } } },
        },
      ],
    }),
    contentType: 'application/json',
  },
  {
    name: '__proto__ inside tool-call arguments',
    message: /"__proto__" is not allowed/,
    status: 400,
    code: 'request_invalid',
    body: {
      ...valid,
      messages: [
        {
          role: 'assistant',
          content: '',
          tool_calls: [
            {
              id: 'c',
              type: 'function',
              function: { name: 'f', arguments: '{"__proto__":{"polluted":true}}' },
            },
          ],
        },
      ],
    },
  },
  {
    name: 'invalid JSON',
    status: 400,
    code: 'request_invalid',
    body: '{"model":"echo",',
    contentType: 'application/json',
  },
  {
    name: 'empty JSON body',
    status: 400,
    code: 'request_invalid',
    body: '',
    contentType: 'application/json',
  },
  {
    name: 'text body',
    status: 415,
    code: 'unsupported_media_type',
    body: 'hello',
    contentType: 'text/plain',
  },
  {
    name: 'form body',
    status: 415,
    code: 'unsupported_media_type',
    body: 'a=1',
    contentType: 'application/x-www-form-urlencoded',
  },
  {
    name: 'body over 1 MiB',
    status: 413,
    code: 'payload_too_large',
    body: { ...valid, pad: 'x'.repeat(2 * 1024 * 1024) },
  },
  { name: 'unknown model', status: 404, code: 'model_not_found', body: { ...valid, model: 'gpt-4o' } },
  { name: 'unknown route', status: 404, code: 'not_found', method: 'GET', url: '/v1/../../etc/passwd' },
  {
    name: 'unknown conversation-like path',
    status: 404,
    code: 'not_found',
    method: 'GET',
    url: '/v1/chat/completions/123',
  },
  {
    name: 'wrong method',
    status: 405,
    code: 'method_not_allowed',
    method: 'PUT',
    url: '/v1/chat/completions',
    body: valid,
  },
  { name: 'no API key', status: 401, code: 'unauthorized', body: valid, headers: {} },
  {
    name: 'unknown API key',
    status: 401,
    code: 'unauthorized',
    body: valid,
    headers: { authorization: 'Bearer sk-alice ' + 'x'.repeat(4000) },
  },
  {
    name: 'malformed Authorization',
    status: 401,
    code: 'unauthorized',
    body: valid,
    headers: { authorization: 'Basic YWxpY2U6eA==' },
  },
  {
    name: 'wrong scope',
    status: 403,
    code: 'forbidden',
    body: valid,
    headers: { authorization: 'Bearer sk-trainer' },
  },
  {
    name: 'over the rate limit',
    status: 429,
    code: 'rate_limited',
    body: valid,
    headers: { authorization: 'Bearer sk-spender' },
  },
];

describe('hostile requests', () => {
  it.each(CASES)('$name → $status $code', async (testCase) => {
    const isText = typeof testCase.body === 'string';
    const response = await server.app.inject({
      method: testCase.method ?? 'POST',
      url: testCase.url ?? '/v1/chat/completions',
      headers: {
        ...(testCase.headers ?? ALICE),
        ...(isText ? { 'content-type': testCase.contentType ?? 'application/json' } : {}),
      },
      ...(testCase.body === undefined ? {} : { payload: testCase.body as string | object }),
    });
    expect(response.statusCode).toBe(testCase.status);
    const body = response.json();
    expect(Object.keys(body)).toEqual(['error']);
    expect(Object.keys(body.error).sort()).toEqual(['code', 'message', 'requestId']);
    expect(body.error.code).toBe(testCase.code);
    expect(body.error.requestId).toBe(response.headers['x-request-id']);
    expect(typeof body.error.message).toBe('string');
    expect(response.body).not.toMatch(/\bat .*\.[jt]s:\d+|sk-(alice|trainer|spender)/);
    if (testCase.message !== undefined) expect(body.error.message).toMatch(testCase.message);
    if (testCase.status === 429) expect(Number(response.headers['retry-after'])).toBeGreaterThan(0);
  });

  it('keeps serving afterwards, with no prototype polluted', async () => {
    const response = await server.app.inject({
      method: 'POST',
      url: '/v1/chat/completions',
      headers: ALICE,
      payload: valid,
    });
    expect(response.statusCode).toBe(200);
    expect(response.json().choices[0].message.content).toBe('olleh');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect((await server.app.inject({ url: '/healthz' })).statusCode).toBe(200);
    expect((server.backend as EchoBackend).requests).toHaveLength(1);
  });
});
