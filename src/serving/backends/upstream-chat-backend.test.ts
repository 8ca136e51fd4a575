import { afterEach, describe, expect, it } from 'vitest';
import type { Message } from '../../conversation/messages.js';
import type { ToolDefinition } from '../../conversation/tool-definition.js';
import type { CompletionRequest } from '../chat-backend.js';
import { BackendError } from './backend-error.js';
import type { ScriptedBehaviour } from '../../testing/chat-completions-behaviour.js';
import {
  startChatCompletionsServer,
  type ChatCompletionsServer,
} from '../../testing/chat-completions-server.js';
import { UpstreamChatBackend, type UpstreamChatBackendOptions } from './upstream-chat-backend.js';

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
const CALL_TEXT = '<tool_call>\n{"name": "get_order", "arguments": {"order_id": "A1"}}\n</tool_call>';

let server: ChatCompletionsServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** A server answering with `script` in order, its last behaviour repeating, and a backend that calls it. */
async function setup(script: ScriptedBehaviour[], options: Partial<UpstreamChatBackendOptions> = {}) {
  server = await startChatCompletionsServer({ queue: script.slice(0, -1), fallback: script.at(-1) });
  const backend = new UpstreamChatBackend({
    baseURL: server.baseURL,
    apiKey: 'k',
    model: 'upstream-model',
    ...options,
  });
  return { server, backend };
}

function request(overrides: Partial<CompletionRequest> = {}): CompletionRequest {
  return { messages: MESSAGES, sampling: {}, ...overrides };
}

async function failure(promise: Promise<unknown>): Promise<BackendError> {
  const error: unknown = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(BackendError);
  return error as BackendError;
}

describe('UpstreamChatBackend: replies', () => {
  it('sends sampling settings, tools and logprobs, and reads the reply', async () => {
    const { server, backend } = await setup([
      { kind: 'reply', content: ['It ', 'shipped.'], logprobs: [-0.5, -0.25] },
    ]);
    const completion = await backend.complete(
      request({
        tools: TOOLS,
        logprobs: true,
        sampling: { temperature: 0.3, topP: 0.9, maxTokens: 50, stop: ['END'], seed: 7 },
      }),
    );
    expect(server.requests[0].body).toMatchObject({
      model: 'upstream-model',
      temperature: 0.3,
      top_p: 0.9,
      max_tokens: 50,
      stop: ['END'],
      seed: 7,
      logprobs: true,
      tools: [{ type: 'function', function: { name: 'get_order' } }],
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Where is A1?' },
      ],
    });
    expect(server.requests[0].body).not.toHaveProperty('stream');
    expect(completion).toEqual({
      message: { role: 'assistant', content: 'It shipped.' },
      finishReason: 'stop',
      usage: { promptTokens: 11, completionTokens: 7 },
      logprobs: [
        { token: 'It ', logprob: -0.5, bytes: [73, 116, 32] },
        { token: 'shipped.', logprob: -0.25, bytes: [...Buffer.from('shipped.')] },
      ],
    });
    expect(backend.modelId).toBe('upstream-model');
    expect(backend.readiness()).toEqual({ ready: true });
  });

  it('sends only the settings given', async () => {
    const { server, backend } = await setup([{ kind: 'reply', content: ['ok'] }]);
    await backend.complete(request());
    expect(Object.keys(server.requests[0].body).sort()).toEqual(['messages', 'model']);
  });

  it('reads API tool calls, and tool calls written as text', async () => {
    const { backend } = await setup([
      {
        kind: 'reply',
        content: ['Checking.'],
        toolCalls: [{ id: 'c1', name: 'get_order', arguments: '{"order_id":"A1"}' }],
      },
      { kind: 'reply', content: [`Checking.\n${CALL_TEXT}`] },
    ]);
    const api = await backend.complete(request({ tools: TOOLS }));
    expect(api.message.toolCalls).toEqual([{ id: 'c1', name: 'get_order', arguments: { order_id: 'A1' } }]);
    expect(api.finishReason).toBe('tool_calls');
    const text = await backend.complete(request({ tools: TOOLS }));
    expect(text.message).toEqual({
      role: 'assistant',
      content: 'Checking.',
      toolCalls: [{ id: 'call_0_0', name: 'get_order', arguments: { order_id: 'A1' } }],
    });
  });

  it('reports zero usage when the upstream reports none', async () => {
    const { backend } = await setup([{ kind: 'reply', content: ['ok'], usage: false }]);
    expect((await backend.complete(request())).usage).toEqual({ promptTokens: 0, completionTokens: 0 });
  });
});

describe('UpstreamChatBackend: streaming', () => {
  it('streams upstream chunks to onDelta as they arrive, with logprobs and usage', async () => {
    const { server, backend } = await setup([
      { kind: 'reply', content: ['Your ', 'order ', 'shipped.'], logprobs: [-1, -2, -3] },
    ]);
    const deltas: string[] = [];
    const completion = await backend.complete(
      request({ logprobs: true, onDelta: ({ content }) => void deltas.push(content) }),
    );
    expect(server.requests[0].body).toMatchObject({ stream: true, stream_options: { include_usage: true } });
    expect(deltas).toEqual(['Your ', 'order ', 'shipped.']);
    expect(completion.message.content).toBe('Your order shipped.');
    expect(completion.logprobs?.map((entry) => entry.logprob)).toEqual([-1, -2, -3]);
    expect(completion.usage).toEqual({ promptTokens: 11, completionTokens: 7 });
    expect(completion.finishReason).toBe('stop');
  });

  it('reassembles streamed API tool calls', async () => {
    const { backend } = await setup([
      {
        kind: 'reply',
        content: [],
        toolCalls: [{ id: 'c9', name: 'get_order', arguments: '{"order_id": "A1"}' }],
      },
    ]);
    const completion = await backend.complete(request({ tools: TOOLS, onDelta: () => {} }));
    expect(completion.message.toolCalls).toEqual([
      { id: 'c9', name: 'get_order', arguments: { order_id: 'A1' } },
    ]);
    expect(completion.finishReason).toBe('tool_calls');
  });

  it('never streams the markup of a tool call written as text', async () => {
    const { backend } = await setup([
      {
        kind: 'reply',
        content: [
          'Let me ',
          'check.\n<tool',
          '_call>\n{"name": "get_order", ',
          '"arguments": {}}\n</tool_call>',
        ],
      },
    ]);
    const deltas: string[] = [];
    const completion = await backend.complete(
      request({ onDelta: ({ content }) => void deltas.push(content) }),
    );
    expect(deltas.join('')).toBe('Let me check.');
    expect(completion.message.content).toBe('Let me check.');
    expect(completion.message.toolCalls).toHaveLength(1);
  });

  it('fails with a retryable policy_unavailable when the stream breaks off', async () => {
    const { backend } = await setup([{ kind: 'drop', pieces: ['Your ', 'ord'] }]);
    const deltas: string[] = [];
    const error = await failure(
      backend.complete(request({ onDelta: ({ content }) => void deltas.push(content) })),
    );
    expect(error.code).toBe('policy_unavailable');
    expect(error.retryable).toBe(true);
  });

  it("passes an error of the caller's onDelta through unchanged", async () => {
    const { backend } = await setup([{ kind: 'reply', content: ['a', 'b', 'c'] }]);
    const gone = new Error('client socket closed');
    await expect(
      backend.complete(
        request({
          onDelta: () => {
            throw gone;
          },
        }),
      ),
    ).rejects.toBe(gone);
  });
});

describe('UpstreamChatBackend: failures', () => {
  const cases: { behaviour: ScriptedBehaviour; code: string; retryable: boolean; status?: number }[] = [
    {
      behaviour: { kind: 'raw', status: 500, body: '{"error": {"message": "boom"}}' },
      code: 'policy_unavailable',
      retryable: true,
      status: 500,
    },
    {
      behaviour: { kind: 'raw', status: 503, body: '{}' },
      code: 'policy_unavailable',
      retryable: true,
      status: 503,
    },
    {
      behaviour: { kind: 'raw', status: 429, body: '{}' },
      code: 'policy_rate_limited',
      retryable: true,
      status: 429,
    },
    {
      behaviour: { kind: 'raw', status: 408, body: '{}' },
      code: 'policy_timeout',
      retryable: true,
      status: 408,
    },
    {
      behaviour: { kind: 'raw', status: 400, body: '{"error": {"message": "bad"}}' },
      code: 'policy_request_rejected',
      retryable: false,
      status: 400,
    },
    {
      behaviour: { kind: 'raw', status: 200, body: '{not json' },
      code: 'policy_bad_response',
      retryable: false,
    },
    {
      behaviour: { kind: 'raw', status: 200, body: '{"choices": []}' },
      code: 'policy_bad_response',
      retryable: false,
    },
  ];

  for (const { behaviour, code, retryable, status } of cases) {
    const label = behaviour.kind === 'raw' ? `${behaviour.status} ${behaviour.body}` : behaviour.kind;
    it(`maps ${label} to ${code} (retryable ${retryable})`, async () => {
      const { backend } = await setup([behaviour]);
      const error = await failure(backend.complete(request()));
      expect(error.code).toBe(code);
      expect(error.retryable).toBe(retryable);
      expect(error.status).toBe(status);
    });
  }

  it("keeps the upstream's Retry-After", async () => {
    const { backend } = await setup([
      { kind: 'raw', status: 429, body: '{}', headers: { 'retry-after': '2' } },
    ]);
    expect((await failure(backend.complete(request()))).retryAfterMs).toBe(2000);
  });

  it('fails with a retryable policy_timeout when the upstream is too slow', async () => {
    const { backend } = await setup([{ kind: 'hang' }], { requestTimeoutMs: 50 });
    const error = await failure(backend.complete(request()));
    expect(error.code).toBe('policy_timeout');
    expect(error.retryable).toBe(true);
  });

  it('fails with a retryable policy_unavailable when nothing listens', async () => {
    const { server, backend } = await setup([]);
    await server.close();
    const error = await failure(backend.complete(request()));
    expect(error.code).toBe('policy_unavailable');
    expect(error.retryable).toBe(true);
  });

  it('fails with request_aborted when the caller aborts a hanging call', async () => {
    const { backend } = await setup([{ kind: 'hang' }]);
    const controller = new AbortController();
    const pending = backend.complete(request({ signal: controller.signal }));
    await server!.waitForRequests(1);
    controller.abort(new Error('client left'));
    const error = await failure(pending);
    expect(error.code).toBe('request_aborted');
    expect(error.retryable).toBe(false);
  });
});
