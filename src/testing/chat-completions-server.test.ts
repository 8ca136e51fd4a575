import OpenAI from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import { SCRIPTED_USAGE } from './chat-completions-replies.js';
import { startChatCompletionsServer, type ChatCompletionsServer } from './chat-completions-server.js';

const MESSAGES = [{ role: 'user' as const, content: 'Where is A1?' }];

let server: ChatCompletionsServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function post(
  path: string,
  body: unknown,
  method = 'POST',
): Promise<{ status: number; json: unknown }> {
  const response = await fetch(`${server!.baseURL}${path}`, {
    method,
    ...(method === 'POST' ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
  });
  return { status: response.status, json: await response.json() };
}

const client = () => new OpenAI({ baseURL: server!.baseURL, apiKey: 'sk-scripted', maxRetries: 0 });

describe('startChatCompletionsServer', () => {
  it('answers from the queue in order, then from the fallback, recording each request', async () => {
    server = await startChatCompletionsServer({
      queue: [{ kind: 'reply', content: 'first' }],
      fallback: { kind: 'reply', content: 'again' },
    });
    const contents = [];
    for (let i = 0; i < 3; i++)
      contents.push(
        (await client().chat.completions.create({ model: 'm', messages: MESSAGES })).choices[0].message
          .content,
      );
    expect(contents).toEqual(['first', 'again', 'again']);
    expect(server.requests).toHaveLength(3);
    expect(server.requests[0].body).toEqual({ model: 'm', messages: MESSAGES });
    expect(server.requests[0].headers.authorization).toBe('Bearer sk-scripted');
  });

  it('answers `ok` by default, and lets pushed behaviours script later requests', async () => {
    server = await startChatCompletionsServer();
    const ask = async () =>
      (await client().chat.completions.create({ model: 'm', messages: MESSAGES })).choices[0].message.content;
    expect(await ask()).toBe('ok');
    server.queue.push({ kind: 'reply', content: 'pushed' });
    expect(await ask()).toBe('pushed');
    expect(await ask()).toBe('ok');
  });

  it('asks a fallback function, sync or async, for replies that depend on the request', async () => {
    server = await startChatCompletionsServer({
      fallback: async ({ body }) => ({
        kind: 'reply',
        content: `echo ${String(body.messages.at(-1)?.content)}`,
      }),
    });
    const reply = await client().chat.completions.create({ model: 'm', messages: MESSAGES });
    expect(reply.choices[0].message.content).toBe('echo Where is A1?');
  });

  it('sends tool calls, finish reason, logprobs when asked, and usage or none', async () => {
    server = await startChatCompletionsServer({
      queue: [
        {
          kind: 'reply',
          content: null,
          toolCalls: [
            { id: 'c1', name: 'get_order', arguments: '{"id": "A1"}' },
            { name: 'f', arguments: '{}' },
          ],
          usage: false,
        },
      ],
      fallback: { kind: 'reply', content: ['It ', 'shipped.'], logprobs: [-0.5], finishReason: 'length' },
    });
    const calls = await post('/chat/completions', { model: 'm', messages: MESSAGES });
    expect(calls.json).toMatchObject({
      id: 'chatcmpl-1',
      object: 'chat.completion',
      choices: [
        {
          finish_reason: 'tool_calls',
          logprobs: null,
          message: {
            role: 'assistant',
            content: null,
            tool_calls: [
              { id: 'c1', type: 'function', function: { name: 'get_order', arguments: '{"id": "A1"}' } },
              { type: 'function', function: { name: 'f', arguments: '{}' } },
            ],
          },
        },
      ],
    });
    expect(calls.json).not.toHaveProperty('usage');
    expect(
      (calls.json as { choices: { message: { tool_calls: object[] } }[] }).choices[0].message.tool_calls[1],
    ).not.toHaveProperty('id');
    const text = await client().chat.completions.create({ model: 'm', messages: MESSAGES, logprobs: true });
    expect(text.id).toBe('chatcmpl-2');
    expect(text.choices[0].message.content).toBe('It shipped.');
    expect(text.choices[0].finish_reason).toBe('length');
    expect(text.choices[0].logprobs?.content?.map((token) => [token.token, token.logprob])).toEqual([
      ['It ', -0.5],
      ['shipped.', -1],
    ]);
    expect(text.usage).toEqual(SCRIPTED_USAGE);
  });

  it('streams pieces, tool call fragments and usage as SSE chunks the OpenAI client reads', async () => {
    server = await startChatCompletionsServer({
      fallback: {
        kind: 'reply',
        content: ['Check', 'ing.'],
        toolCalls: [{ id: 'c1', name: 'get_order', arguments: '{"id": "A1"}' }],
      },
    });
    const stream = await client().chat.completions.create({
      model: 'm',
      messages: MESSAGES,
      stream: true,
      stream_options: { include_usage: true },
    });
    const deltas: string[] = [];
    let args = '';
    let finish: string | null = null;
    let usage: unknown;
    for await (const chunk of stream) {
      const choice = chunk.choices[0];
      if (choice?.delta.content) deltas.push(choice.delta.content);
      for (const call of choice?.delta.tool_calls ?? []) args += call.function?.arguments ?? '';
      finish = choice?.finish_reason ?? finish;
      if (chunk.usage) usage = chunk.usage;
    }
    expect(deltas).toEqual(['Check', 'ing.']);
    expect(args).toBe('{"id": "A1"}');
    expect(finish).toBe('tool_calls');
    expect(usage).toEqual(SCRIPTED_USAGE);
  });

  it('sends error envelopes and raw responses as scripted', async () => {
    server = await startChatCompletionsServer({
      queue: [
        { kind: 'error', status: 429, message: 'slow down' },
        {
          kind: 'raw',
          status: 503,
          body: 'down',
          headers: { 'content-type': 'text/plain', 'retry-after': '7' },
        },
      ],
    });
    expect(await post('/chat/completions', { model: 'm', messages: [] })).toEqual({
      status: 429,
      json: { error: { message: 'slow down', type: 'scripted_error' } },
    });
    const raw = await fetch(`${server.baseURL}/chat/completions`, {
      method: 'POST',
      body: JSON.stringify({ model: 'm', messages: [] }),
    });
    expect([raw.status, raw.headers.get('retry-after'), await raw.text()]).toEqual([503, '7', 'down']);
  });

  it('hangs until the client gives up, and drops a stream midway', async () => {
    server = await startChatCompletionsServer({
      queue: [{ kind: 'hang' }],
      fallback: { kind: 'drop', pieces: ['Your ', 'ord'] },
    });
    const controller = new AbortController();
    const hanging = fetch(`${server.baseURL}/chat/completions`, {
      method: 'POST',
      body: JSON.stringify({ model: 'm', messages: [] }),
      signal: controller.signal,
    });
    await server.waitForRequests(1);
    controller.abort();
    await expect(hanging).rejects.toThrow(/abort/i);
    const dropped = client().chat.completions.create({ model: 'm', messages: MESSAGES, stream: true });
    const received: string[] = [];
    await expect(
      (async () => {
        for await (const chunk of await dropped) received.push(chunk.choices[0]?.delta.content ?? '');
      })(),
    ).rejects.toThrow();
    expect(received).toEqual(['Your ', 'ord']);
  });

  it('refuses other routes with 404 and malformed bodies with 400, recording neither', async () => {
    server = await startChatCompletionsServer();
    expect((await post('/models', undefined, 'GET')).status).toBe(404);
    expect((await post('/chat/completions', 'not json')).status).toBe(400);
    expect((await post('/chat/completions', { messages: [] })).status).toBe(400);
    expect((await post('/chat/completions', { model: 'm', messages: [{ content: 'no role' }] })).status).toBe(
      400,
    );
    expect(server.requests).toHaveLength(0);
  });

  it('answers 500 when a fallback function throws, and surfaces the error', async () => {
    const failures: unknown[] = [];
    const onRejection = (reason: unknown) => void failures.push(reason);
    process.on('unhandledRejection', onRejection);
    try {
      server = await startChatCompletionsServer({
        fallback: () => {
          throw new Error('responder bug');
        },
      });
      const answer = await post('/chat/completions', { model: 'm', messages: [] });
      expect(answer.status).toBe(500);
      expect(answer.json).toEqual({
        error: { message: 'scripted responder failed: Error: responder bug', type: 'scripted_error' },
      });
      await new Promise((resolve) => setImmediate(resolve));
      expect(failures).toEqual([expect.objectContaining({ message: 'responder bug' })]);
    } finally {
      process.off('unhandledRejection', onRejection);
    }
  });
});
