// The official `openai` client, unchanged, against the server on a loopback port.

import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestServer, type TestServer } from './test-support/test-server.js';

let server: TestServer;
let client: OpenAI;

beforeAll(async () => {
  server = await buildTestServer({ config: { apiKeys: 'app:sk-app-123:chat' } });
  const address = await server.app.listen({ port: 0, host: '127.0.0.1' });
  client = new OpenAI({ baseURL: `${address}/v1`, apiKey: 'sk-app-123', maxRetries: 0 });
});
afterAll(async () => {
  await server.app.close();
});

const lookup = {
  type: 'function' as const,
  function: {
    name: 'lookup',
    description: 'Finds an order.',
    parameters: { type: 'object', properties: {} },
  },
};

describe('the openai client', () => {
  it('lists models', async () => {
    const models = [];
    for await (const model of client.models.list()) models.push(model.id);
    expect(models).toEqual(['echo']);
  });

  it('creates a completion', async () => {
    const completion = await client.chat.completions.create({
      model: 'echo',
      messages: [
        { role: 'system', content: 'be brief' },
        { role: 'user', content: 'stressed' },
      ],
      temperature: 0.2,
      max_tokens: 100,
      seed: 3,
    });
    expect(completion.choices[0].message.content).toBe('desserts');
    expect(completion.choices[0].finish_reason).toBe('stop');
    expect(completion.usage).toEqual({ prompt_tokens: 16, completion_tokens: 8, total_tokens: 24 });
  });

  it('streams a completion chunk by chunk, with usage', async () => {
    const stream = await client.chat.completions.create({
      model: 'echo',
      messages: [{ role: 'user', content: 'drawer' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    const pieces: string[] = [];
    let finish: string | null = null;
    let usage: unknown;
    for await (const chunk of stream) {
      const choice = chunk.choices[0];
      if (choice?.delta.content) pieces.push(choice.delta.content);
      if (choice?.finish_reason) finish = choice.finish_reason;
      if (chunk.usage) usage = chunk.usage;
    }
    expect(pieces).toEqual(['r', 'e', 'w', 'a', 'r', 'd']);
    expect(finish).toBe('stop');
    expect(usage).toEqual({ prompt_tokens: 6, completion_tokens: 6, total_tokens: 12 });
  });

  it('round-trips a tool call and its result', async () => {
    const first = await client.chat.completions.create({
      model: 'echo',
      messages: [{ role: 'user', content: 'call lookup {"id":"W7"}' }],
      tools: [lookup],
    });
    const message = first.choices[0].message;
    expect(first.choices[0].finish_reason).toBe('tool_calls');
    const call = message.tool_calls?.[0];
    expect(call?.type === 'function' && JSON.parse(call.function.arguments)).toEqual({ id: 'W7' });
    const second = await client.chat.completions.create({
      model: 'echo',
      messages: [
        { role: 'user', content: 'call lookup {"id":"W7"}' },
        message,
        { role: 'tool', tool_call_id: call!.id, content: 'shipped' },
      ],
      tools: [lookup],
    });
    expect(second.choices[0].message.content).toBe('lookup returned shipped');
  });

  it('streams a tool call the client can assemble', async () => {
    const runner = client.chat.completions.stream({
      model: 'echo',
      messages: [{ role: 'user', content: 'call lookup {"id":"W8"}' }],
      tools: [lookup],
    });
    const completion = await runner.finalChatCompletion();
    const call = completion.choices[0].message.tool_calls?.[0];
    expect(call?.type === 'function' && call.function).toEqual({ name: 'lookup', arguments: '{"id":"W8"}' });
  });

  it('surfaces our error envelope as an APIError with status and code', async () => {
    const refused = client.chat.completions.create({
      model: 'echo',
      messages: [{ role: 'user', content: 'x' }],
      n: 2,
    });
    await expect(refused).rejects.toMatchObject({ status: 400, code: 'request_invalid' });
    const unauthorised = new OpenAI({ baseURL: client.baseURL, apiKey: 'sk-wrong', maxRetries: 0 });
    await expect(unauthorised.models.list()).rejects.toMatchObject({ status: 401, code: 'unauthorized' });
  });

  it('throws when a stream fails midway', async () => {
    const stream = await client.chat.completions.create({
      model: 'echo',
      messages: [{ role: 'user', content: 'fail-midway policy_unavailable' }],
      stream: true,
    });
    const pieces: string[] = [];
    const consume = async () => {
      for await (const chunk of stream) pieces.push(chunk.choices[0]?.delta.content ?? '');
    };
    await expect(consume()).rejects.toThrow(/echo backend asked to fail with policy_unavailable/);
    expect(pieces.join('')).toBe('elbaliavanu_yci'); // the first 15 of 30 reversed characters
  });
});
