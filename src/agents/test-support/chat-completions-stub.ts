// Test support: a real HTTP server on 127.0.0.1 that speaks the chat-completions protocol, answering
// each request from a queue of scripted behaviours and recording what it received.

import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the server does with one request. */
export type StubBehaviour =
  /** 200 with a chat completion whose message has this content and these tool calls. */
  | {
      readonly kind: 'reply';
      readonly content: string | null;
      readonly toolCalls?: readonly {
        readonly id?: string;
        readonly name: string;
        readonly arguments: string;
      }[];
      readonly finishReason?: string;
    }
  /** Any status, headers and body text. */
  | {
      readonly kind: 'raw';
      readonly status: number;
      readonly body: string;
      readonly headers?: Record<string, string>;
    }
  /** Never answers (until the server closes). */
  | { readonly kind: 'hang' };

/** One request as received. */
export type StubRequest = {
  readonly body: Record<string, unknown>;
  readonly headers: IncomingMessage['headers'];
  /** performance.now() when the request arrived. */
  readonly at: number;
};

/** A running stub server. */
export type ChatCompletionsStub = {
  readonly baseURL: string;
  readonly requests: StubRequest[];
  /** Behaviours for the next requests, in order; the last one repeats when the queue would run dry. */
  readonly queue: StubBehaviour[];
  /** Resolves when the server has received `count` requests in all. */
  waitForRequests(count: number): Promise<void>;
  close(): Promise<void>;
};

/** Starts a stub on a free loopback port. */
export async function startChatCompletionsStub(queue: StubBehaviour[] = []): Promise<ChatCompletionsStub> {
  const requests: StubRequest[] = [];
  const waiters: { count: number; resolve: () => void }[] = [];
  const server = createServer((request, response) => {
    let text = '';
    request.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
    request.on('end', () => {
      requests.push({
        body: JSON.parse(text) as Record<string, unknown>,
        headers: request.headers,
        at: performance.now(),
      });
      for (const waiter of waiters.filter((w) => requests.length >= w.count)) waiter.resolve();
      const behaviour = (queue.length > 1 ? queue.shift() : queue[0]) ?? { kind: 'reply', content: 'ok' };
      respond(behaviour, requests.length, response);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseURL: `http://127.0.0.1:${port}/v1`,
    requests,
    queue,
    waitForRequests: (count) =>
      requests.length >= count
        ? Promise.resolve()
        : new Promise((resolve) => waiters.push({ count, resolve })),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function respond(behaviour: StubBehaviour, index: number, response: ServerResponse): void {
  if (behaviour.kind === 'hang') return;
  if (behaviour.kind === 'raw') {
    response.writeHead(behaviour.status, { 'content-type': 'application/json', ...behaviour.headers });
    response.end(behaviour.body);
    return;
  }
  const toolCalls = behaviour.toolCalls?.map((call, i) => ({
    ...(call.id === undefined ? {} : { id: call.id }),
    type: 'function',
    index: i,
    function: { name: call.name, arguments: call.arguments },
  }));
  response.writeHead(200, { 'content-type': 'application/json' });
  response.end(
    JSON.stringify({
      id: `chatcmpl-${index}`,
      object: 'chat.completion',
      created: 0,
      model: 'stub',
      choices: [
        {
          index: 0,
          finish_reason: behaviour.finishReason ?? (toolCalls ? 'tool_calls' : 'stop'),
          message: {
            role: 'assistant',
            content: behaviour.content,
            ...(toolCalls ? { tool_calls: toolCalls } : {}),
          },
        },
      ],
      usage: { prompt_tokens: 11, completion_tokens: 7, total_tokens: 18 },
    }),
  );
}
