import { afterEach, describe, expect, it } from 'vitest';
import type { ChatBackend } from './chat-backend.js';
import { METRIC } from './metric-names.js';
import { EchoBackend } from './test-support/echo-backend.js';
import { sseData } from './test-support/sse.js';
import { buildTestServer, type TestServer } from './test-support/test-server.js';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.app.close();
  server = undefined;
});

const lookupTool = {
  type: 'function',
  function: {
    name: 'lookup',
    description: 'Finds an order.',
    parameters: { type: 'object', properties: { id: { type: 'string' } } },
  },
};

async function post(payload: Record<string, unknown>, backend?: ChatBackend) {
  server ??= await buildTestServer(backend === undefined ? {} : { backend });
  return server.app.inject({
    method: 'POST',
    url: '/v1/chat/completions',
    payload: { model: backend?.modelId ?? 'echo', ...payload },
  });
}

const echo = () => server!.backend as EchoBackend;

/** A streamed event as these tests read it. */
type Chunk = {
  id: string;
  object: string;
  choices: { delta: { content?: string }; finish_reason: string | null }[];
  usage?: unknown;
};

describe('POST /v1/chat/completions (non-streaming)', () => {
  it('answers a chat.completion with the reply, finish reason and usage', async () => {
    const response = await post({
      messages: [
        { role: 'system', content: 'be brief' },
        { role: 'user', content: 'hello' },
      ],
    });
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body).toMatchObject({
      object: 'chat.completion',
      model: 'echo',
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content: 'olleh', refusal: null },
          logprobs: null,
          finish_reason: 'stop',
        },
      ],
      usage: { prompt_tokens: 13, completion_tokens: 5, total_tokens: 18 },
    });
    expect(body.id).toMatch(/^chatcmpl-[0-9a-f]{24}$/);
    expect(body.choices[0].message).not.toHaveProperty('tool_calls');
    expect(Math.abs(body.created - Date.now() / 1000)).toBeLessThan(60);
  });

  it('passes sampling settings to the backend, in our names', async () => {
    await post({
      messages: [{ role: 'user', content: 'hi' }],
      temperature: 0.7,
      top_p: 0.9,
      max_tokens: 50,
      max_completion_tokens: 40,
      stop: 'END',
      seed: 7,
    });
    expect(echo().requests[0].sampling).toEqual({
      temperature: 0.7,
      topP: 0.9,
      maxTokens: 40,
      stop: ['END'],
      seed: 7,
    });
  });

  it('stops at max_tokens with finish_reason length, and at a stop sequence', async () => {
    const long = await post({ messages: [{ role: 'user', content: 'abcdef' }], max_tokens: 3 });
    expect(long.json().choices[0]).toMatchObject({ message: { content: 'fed' }, finish_reason: 'length' });
    const stopped = await post({ messages: [{ role: 'user', content: 'abcdef' }], stop: ['c', 'd'] });
    expect(stopped.json().choices[0]).toMatchObject({ message: { content: 'fe' }, finish_reason: 'stop' });
  });

  it('returns per-token logprobs when asked', async () => {
    const response = await post({
      messages: [{ role: 'user', content: 'ab' }],
      logprobs: true,
      top_logprobs: 0,
    });
    expect(response.json().choices[0].logprobs).toEqual({
      content: [
        { token: 'b', logprob: 0, bytes: [98], top_logprobs: [] },
        { token: 'a', logprob: 0, bytes: [97], top_logprobs: [] },
      ],
      refusal: null,
    });
  });

  it('returns tool calls in OpenAI shape (arguments a JSON string, content null)', async () => {
    const response = await post({
      messages: [{ role: 'user', content: 'call lookup {"id":"W1"}' }],
      tools: [lookupTool],
    });
    const choice = response.json().choices[0];
    expect(choice).toMatchObject({
      finish_reason: 'tool_calls',
      message: {
        content: null,
        tool_calls: [
          { id: 'call_echo_1', type: 'function', function: { name: 'lookup', arguments: '{"id":"W1"}' } },
        ],
      },
    });
    expect(echo().requests[0].tools).toEqual([
      { name: 'lookup', description: 'Finds an order.', parameters: lookupTool.function.parameters },
    ]);
  });

  it('converts a tool round trip to our messages, naming each tool result after its call', async () => {
    const response = await post({
      messages: [
        {
          role: 'developer',
          content: [
            { type: 'text', text: 'po' },
            { type: 'text', text: 'licy' },
          ],
        },
        { role: 'user', content: 'find W1' },
        {
          role: 'assistant',
          content: null,
          tool_calls: [
            { id: 'c1', type: 'function', function: { name: 'lookup', arguments: '{"id":"W1"}' } },
          ],
        },
        { role: 'tool', tool_call_id: 'c1', content: '{"status":"shipped"}' },
      ],
      tools: [lookupTool],
    });
    expect(response.json().choices[0].message.content).toBe('lookup returned {"status":"shipped"}');
    expect(echo().requests[0].messages).toEqual([
      { role: 'system', content: 'policy' },
      { role: 'user', content: 'find W1' },
      { role: 'assistant', content: '', toolCalls: [{ id: 'c1', name: 'lookup', arguments: { id: 'W1' } }] },
      { role: 'tool', toolCallId: 'c1', name: 'lookup', content: '{"status":"shipped"}' },
    ]);
  });

  it('refuses a tool result that answers no call, and tool-call arguments that are not a JSON object', async () => {
    const orphan = await post({ messages: [{ role: 'tool', tool_call_id: 'zz', content: 'x' }] });
    expect(orphan.statusCode).toBe(400);
    expect(orphan.json().error.message).toMatch(/messages\.0: tool_call_id "zz" answers no earlier/);
    const badArgs = await post({
      messages: [
        {
          role: 'assistant',
          content: '',
          tool_calls: [{ id: 'c1', type: 'function', function: { name: 'lookup', arguments: '[1,2]' } }],
        },
      ],
    });
    expect(badArgs.statusCode).toBe(400);
    expect(badArgs.json().error.message).toMatch(/must be a JSON object/);
  });

  it('gives the backend no tools when tool_choice is none', async () => {
    await post({
      messages: [{ role: 'user', content: 'call lookup {}' }],
      tools: [lookupTool],
      tool_choice: 'none',
    });
    expect(echo().requests[0].tools).toBeUndefined();
  });

  it('refuses another model name, n > 1 and unsupported parameters with clear 400/404s', async () => {
    const model = await post({ model: 'gpt-4o', messages: [{ role: 'user', content: 'x' }] });
    expect(model.statusCode).toBe(404);
    expect(model.json().error).toMatchObject({
      code: 'model_not_found',
      message: /GET \/v1\/models lists "echo"/,
    });
    const n = await post({ messages: [{ role: 'user', content: 'x' }], n: 2 });
    expect(n.statusCode).toBe(400);
    expect(n.json().error.message).toBe('n: only n=1 is supported');
    const penalty = await post({ messages: [{ role: 'user', content: 'x' }], presence_penalty: 0.5 });
    expect(penalty.json().error.message).toMatch(/presence_penalty is not supported/);
    expect(echo().requests).toHaveLength(0);
  });

  it('answers backend failures with their catalogued status, and unknown ones 500 without detail', async () => {
    const unavailable = await post({ messages: [{ role: 'user', content: 'fail policy_unavailable' }] });
    expect(unavailable.statusCode).toBe(503);
    expect(unavailable.json().error.code).toBe('policy_unavailable');
    const internal = await post({ messages: [{ role: 'user', content: 'fail boom' }] });
    expect(internal.statusCode).toBe(500);
    expect(internal.json().error.code).toBe('internal_error');
    expect(internal.body).not.toContain('/secret/path');
  });

  it('counts generated tokens and model latency by outcome', async () => {
    await post({ messages: [{ role: 'user', content: 'abcd' }] });
    await post({ messages: [{ role: 'user', content: 'fail policy_timeout' }] });
    const text = await server!.deps.metrics.registry.metrics();
    expect(text).toContain(`${METRIC.tokensGenerated}{model="echo"} 4`);
    expect(text).toContain(`${METRIC.modelLatency}_count{model="echo",outcome="ok"} 1`);
    expect(text).toContain(`${METRIC.modelLatency}_count{model="echo",outcome="error"} 1`);
  });

  it('marks replies of the resilience fallback with x-stateset-degraded', async () => {
    const inner = new EchoBackend();
    const degraded: ChatBackend = {
      modelId: 'echo',
      readiness: () => inner.readiness(),
      close: () => inner.close(),
      complete: async (request) => ({ ...(await inner.complete(request)), degraded: true }),
    };
    const response = await post({ messages: [{ role: 'user', content: 'x' }] }, degraded);
    expect(response.headers['x-stateset-degraded']).toBe('true');
    expect(await server!.deps.metrics.registry.metrics()).toContain(
      `${METRIC.modelLatency}_count{model="echo",outcome="degraded"} 1`,
    );
  });
});

describe('POST /v1/chat/completions (streaming)', () => {
  it('streams chat.completion.chunk events: role, text deltas, finish reason, usage, [DONE]', async () => {
    const response = await post({
      messages: [{ role: 'user', content: 'abc' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('text/event-stream; charset=utf-8');
    const events = sseData(response.body);
    expect(events.at(-1)).toBe('[DONE]');
    const chunks = events.slice(0, -1) as Chunk[];
    expect(new Set(chunks.map((chunk) => chunk.id)).size).toBe(1);
    expect(chunks.every((chunk) => chunk.object === 'chat.completion.chunk')).toBe(true);
    expect(chunks[0].choices[0].delta).toEqual({ role: 'assistant', content: '' });
    const deltas = chunks.slice(1, 4).map((chunk) => chunk.choices[0].delta.content);
    expect(deltas).toEqual(['c', 'b', 'a']);
    expect(chunks[4].choices[0]).toMatchObject({ delta: {}, finish_reason: 'stop' });
    expect(chunks[5]).toMatchObject({
      choices: [],
      usage: { prompt_tokens: 3, completion_tokens: 3, total_tokens: 6 },
    });
    expect(chunks).toHaveLength(6);
  });

  it('streams tool calls as a delta with an index', async () => {
    const response = await post({
      messages: [{ role: 'user', content: 'call lookup {"id":"W2"}' }],
      tools: [lookupTool],
      stream: true,
    });
    const chunks = sseData(response.body).slice(0, -1) as Chunk[];
    expect(chunks.map((chunk) => chunk.choices[0].delta)).toEqual([
      { role: 'assistant', content: '' },
      {
        tool_calls: [
          {
            index: 0,
            id: 'call_echo_1',
            type: 'function',
            function: { name: 'lookup', arguments: '{"id":"W2"}' },
          },
        ],
      },
      {},
    ]);
    expect(chunks[2].choices[0].finish_reason).toBe('tool_calls');
  });

  it('answers a failure before the first token as a plain HTTP error', async () => {
    const response = await post({
      messages: [{ role: 'user', content: 'fail model_unavailable' }],
      stream: true,
    });
    expect(response.statusCode).toBe(503);
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    expect(response.json().error.code).toBe('model_unavailable');
  });

  it('ends a stream that fails midway with an error event and no [DONE]', async () => {
    const response = await post({
      messages: [{ role: 'user', content: 'fail-midway policy_timeout' }],
      stream: true,
    });
    expect(response.statusCode).toBe(200);
    const events = sseData(response.body) as (Chunk | string | { error: unknown })[];
    expect(events).not.toContain('[DONE]');
    const text = events
      .flatMap((event) =>
        typeof event === 'object' && 'choices' in event ? [event.choices[0].delta.content ?? ''] : [],
      )
      .join('');
    expect(text).toBe('tuoemit_ycilo'); // the first 13 of the 26 reversed characters
    expect(events.at(-1)).toEqual({
      error: {
        code: 'policy_timeout',
        message: 'echo backend asked to fail with policy_timeout',
        requestId: response.headers['x-request-id'],
      },
    });
  });
});
