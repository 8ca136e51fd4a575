import { afterEach, describe, expect, it } from 'vitest';
import type { Message } from '../conversation/messages.js';
import type { ToolDefinition } from '../conversation/tool-definition.js';
import {
  OpenAICompatiblePolicy,
  type OpenAICompatiblePolicyOptions,
  type RetryEvent,
} from './openai-compatible-policy.js';
import type { ScriptedBehaviour } from '../testing/chat-completions-behaviour.js';
import {
  startChatCompletionsServer,
  type ChatCompletionsServer,
} from '../testing/chat-completions-server.js';

/** Retry timing small enough that tests run in milliseconds; jitter pinned by `random`. */
const FAST_RETRY = { maxRetries: 2, initialDelayMs: 5, maxDelayMs: 20, jitter: 0.5 };
const MESSAGES: Message[] = [
  { role: 'system', content: 'Be brief.' },
  { role: 'user', content: 'Where is A1?' },
];
const TOOLS: ToolDefinition[] = [
  {
    name: 'get_order',
    description: 'Look up an order.',
    parameters: { type: 'object', properties: { order_id: { type: 'string' } } },
  },
];

let stub: ChatCompletionsServer | undefined;
afterEach(async () => {
  await stub?.close();
  stub = undefined;
});

/** A server answering with `script` in order, its last behaviour repeating, and a policy that calls it. */
async function setup(script: ScriptedBehaviour[], options: Partial<OpenAICompatiblePolicyOptions> = {}) {
  stub = await startChatCompletionsServer({ queue: script.slice(0, -1), fallback: script.at(-1) });
  const retries: RetryEvent[] = [];
  const policy = new OpenAICompatiblePolicy({
    baseURL: stub.baseURL,
    apiKey: 'test-key',
    model: 'tiny',
    temperature: 0.7,
    maxTokens: 64,
    retry: FAST_RETRY,
    random: () => 0.5,
    onRetry: (event) => void retries.push(event),
    ...options,
  });
  return { stub, policy, retries };
}

async function failure(
  promise: Promise<unknown>,
): Promise<Error & { code: string; attempts?: number; status?: number }> {
  try {
    await promise;
  } catch (error) {
    return error as Error & { code: string };
  }
  throw new Error('expected the call to fail');
}

describe('OpenAICompatiblePolicy', () => {
  it('sends the conversation and tools, and parses tool calls from the response', async () => {
    const { stub, policy } = await setup([
      {
        kind: 'reply',
        content: 'Checking.',
        toolCalls: [{ id: 'call_x', name: 'get_order', arguments: '{"order_id": "A1"}' }],
      },
    ]);
    const output = await policy.generate({ messages: MESSAGES, tools: TOOLS });
    expect(output).toEqual({
      message: {
        role: 'assistant',
        content: 'Checking.',
        toolCalls: [{ id: 'call_x', name: 'get_order', arguments: { order_id: 'A1' } }],
      },
      parseFailures: [],
      finishReason: 'tool_calls',
      attempts: 1,
      usage: { promptTokens: 11, completionTokens: 7 },
    });
    const { body, headers } = stub.requests[0];
    expect(headers.authorization).toBe('Bearer test-key');
    expect(body).toMatchObject({ model: 'tiny', temperature: 0.7, max_tokens: 64, messages: MESSAGES });
    expect(body.tools).toEqual([{ type: 'function', function: TOOLS[0] }]);
  });

  it('sends earlier tool calls and results natively with tools, and as text without', async () => {
    const { stub, policy } = await setup([{ kind: 'reply', content: 'Shipped.' }]);
    const history: Message[] = [
      ...MESSAGES,
      {
        role: 'assistant',
        content: '',
        toolCalls: [{ id: 'c0', name: 'get_order', arguments: { order_id: 'A1' } }],
      },
      { role: 'tool', toolCallId: 'c0', name: 'get_order', content: 'shipped' },
    ];
    await policy.generate({ messages: history, tools: TOOLS });
    await policy.generate({ messages: history });
    expect((stub.requests[0].body.messages as unknown[]).slice(2)).toEqual([
      {
        role: 'assistant',
        content: '',
        tool_calls: [
          { id: 'c0', type: 'function', function: { name: 'get_order', arguments: '{"order_id":"A1"}' } },
        ],
      },
      { role: 'tool', tool_call_id: 'c0', content: 'shipped' },
    ]);
    expect((stub.requests[1].body.messages as unknown[]).slice(2)).toEqual([
      {
        role: 'assistant',
        content: '<tool_call>\n{"name": "get_order", "arguments": {"order_id": "A1"}}\n</tool_call>',
      },
      { role: 'user', content: '<tool_response>\nshipped\n</tool_response>' },
    ]);
    expect(stub.requests[1].body.tools).toBeUndefined();
  });

  it('parses <tool_call> text and reports malformed calls as parse failures', async () => {
    const { policy } = await setup([
      {
        kind: 'reply',
        content: 'On it.\n<tool_call>\n{"name": "get_order", "arguments": {"order_id": "B2"}}\n</tool_call>',
      },
      {
        kind: 'reply',
        content: null,
        toolCalls: [
          { name: 'get_order', arguments: '{not json' },
          { name: 'get_order', arguments: '{}' },
        ],
      },
    ]);
    const text = await policy.generate({ messages: MESSAGES });
    expect(text.message).toEqual({
      role: 'assistant',
      content: 'On it.',
      toolCalls: [{ id: 'call_0_0', name: 'get_order', arguments: { order_id: 'B2' } }],
    });
    const native = await policy.generate({ messages: MESSAGES, tools: TOOLS });
    expect(native.message).toEqual({
      role: 'assistant',
      content: '',
      toolCalls: [{ id: 'call_0_1', name: 'get_order', arguments: {} }],
    });
    expect(native.parseFailures).toEqual([
      { raw: '{"name":"get_order","arguments":"{not json"}', reason: '"arguments" is not a JSON object' },
    ]);
  });

  it('retries a 500 with backoff and succeeds, counting the attempts', async () => {
    const { stub, policy, retries } = await setup([
      { kind: 'raw', status: 500, body: '{"error": {"message": "boom"}}' },
      { kind: 'reply', content: 'Recovered.' },
    ]);
    const output = await policy.generate({ messages: MESSAGES });
    expect(output.message.content).toBe('Recovered.');
    expect(output.attempts).toBe(2);
    expect(stub.requests).toHaveLength(2);
    // min(20, 5 · 2^0) · (1 − 0.5 · 0.5)
    expect(retries).toEqual([
      { attempt: 1, code: 'policy_unavailable', status: 500, delayMs: 3.75, retryAfter: false },
    ]);
  });

  it('waits what Retry-After asks on a 429', async () => {
    const { stub, policy, retries } = await setup([
      {
        kind: 'raw',
        status: 429,
        body: '{"error": {"message": "slow down"}}',
        headers: { 'retry-after': '1' },
      },
      { kind: 'reply', content: 'ok' },
    ]);
    const output = await policy.generate({ messages: MESSAGES });
    expect(output.attempts).toBe(2);
    expect(retries).toEqual([
      { attempt: 1, code: 'policy_rate_limited', status: 429, delayMs: 1000, retryAfter: true },
    ]);
    expect(stub.requests[1].at - stub.requests[0].at).toBeGreaterThanOrEqual(990);
  });

  it('gives up after maxRetries with the code of the last failure', async () => {
    const { stub, policy } = await setup([
      { kind: 'raw', status: 429, body: '{}', headers: { 'retry-after-ms': '1' } },
    ]);
    const error = await failure(policy.generate({ messages: MESSAGES }));
    expect(error).toMatchObject({ code: 'policy_rate_limited', status: 429, attempts: 3 });
    expect(error.message).toMatch(/after 3 attempts/);
    expect(stub.requests).toHaveLength(3);
  });

  it('refuses to wait a Retry-After longer than maxRetryAfterMs', async () => {
    const { stub, policy } = await setup([
      { kind: 'raw', status: 503, body: '{}', headers: { 'retry-after': '120' } },
    ]);
    const error = await failure(policy.generate({ messages: MESSAGES }));
    expect(error).toMatchObject({ code: 'policy_unavailable', attempts: 1 });
    expect(error.message).toMatch(/retry after 120000 ms/);
    expect(stub.requests).toHaveLength(1);
  });

  it('does not retry a 400', async () => {
    const { stub, policy } = await setup([
      { kind: 'raw', status: 400, body: '{"error": {"message": "bad model"}}' },
    ]);
    const error = await failure(policy.generate({ messages: MESSAGES }));
    expect(error).toMatchObject({ code: 'policy_request_rejected', status: 400, attempts: 1 });
    expect(error.message).toMatch(/bad model/);
    expect(stub.requests).toHaveLength(1);
  });

  it('times out each attempt, retries, then fails with policy_timeout', async () => {
    const { stub, policy, retries } = await setup([{ kind: 'hang' }], {
      timeoutMs: 100,
      retry: { ...FAST_RETRY, maxRetries: 1 },
    });
    const error = await failure(policy.generate({ messages: MESSAGES }));
    expect(error).toMatchObject({ code: 'policy_timeout', attempts: 2 });
    expect(stub.requests).toHaveLength(2);
    expect(retries.map((r) => r.code)).toEqual(['policy_timeout']);
  });

  it('fails with policy_unavailable when nothing listens', async () => {
    const { stub, policy } = await setup([], { retry: { ...FAST_RETRY, maxRetries: 1 } });
    await stub.close();
    const error = await failure(policy.generate({ messages: MESSAGES }));
    expect(error).toMatchObject({ code: 'policy_unavailable', attempts: 2 });
  });

  it('stops at once, without retrying, when the signal aborts', async () => {
    const { stub, policy } = await setup([{ kind: 'hang' }]);
    const controller = new AbortController();
    const pending = policy.generate({ messages: MESSAGES, signal: controller.signal });
    await stub.waitForRequests(1);
    controller.abort();
    const error = await failure(pending);
    expect(error.code).toBe('request_aborted');
    expect(stub.requests).toHaveLength(1);
    const before = await failure(policy.generate({ messages: MESSAGES, signal: AbortSignal.abort() }));
    expect(before.code).toBe('request_aborted');
    expect(stub.requests).toHaveLength(1);
  });

  it('reports a malformed response as policy_bad_response', async () => {
    const { policy } = await setup([
      { kind: 'raw', status: 200, body: '{"choices": []}' },
      { kind: 'raw', status: 200, body: '{"choices": [{"message": {"content": 42}}]}' },
      { kind: 'raw', status: 200, body: 'not json at all' },
    ]);
    for (const pattern of [/choices: Too small/, /choices\.0\.message\.content/, /malformed|unreadable/]) {
      const error = await failure(policy.generate({ messages: MESSAGES }));
      expect(error.code).toBe('policy_bad_response');
      expect(error.message).toMatch(pattern);
    }
  });

  it('validates its retry options', () => {
    expect(
      () => new OpenAICompatiblePolicy({ baseURL: 'http://127.0.0.1:1', model: 'm', retry: { jitter: 2 } }),
    ).toThrow(
      expect.objectContaining({ code: 'invalid_argument', message: expect.stringMatching(/jitter/) }),
    );
  });
});
