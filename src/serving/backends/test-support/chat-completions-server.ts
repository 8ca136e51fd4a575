// Test support: a real HTTP server on 127.0.0.1 that speaks the chat-completions protocol, both as one
// JSON body and as an SSE stream of chunks, answering each request from a queue of scripted behaviours.

import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A reply the server gives as JSON, or as chunks when the request asks to stream. */
export type ScriptedReply = {
  readonly kind: 'reply';
  /** The text, streamed in these pieces (joined for a JSON reply). */
  readonly pieces: readonly string[];
  readonly toolCalls?: readonly { readonly id: string; readonly name: string; readonly arguments: string }[];
  readonly finishReason?: string;
  /** Logprob of each piece (one token per piece), sent when the request asks for logprobs. */
  readonly logprobs?: readonly number[];
  /** Leave usage out of the reply. */
  readonly noUsage?: boolean;
};

/** What the server does with one request. */
export type ServerBehaviour =
  | ScriptedReply
  /** Any status, headers and body text. */
  | {
      readonly kind: 'raw';
      readonly status: number;
      readonly body: string;
      readonly headers?: Record<string, string>;
    }
  /** Never answers (until the client gives up or the server closes). */
  | { readonly kind: 'hang' }
  /** Streams these pieces, then drops the connection without finishing. */
  | { readonly kind: 'drop'; readonly pieces: readonly string[] };

/** A running server. */
export type ChatCompletionsServer = {
  readonly baseURL: string;
  /** Request bodies as received, in order. */
  readonly requests: Record<string, unknown>[];
  /** Behaviours for the next requests in order; the last one repeats. */
  readonly queue: ServerBehaviour[];
  /** Resolves once `count` requests have arrived in all. */
  waitForRequests(count: number): Promise<void>;
  close(): Promise<void>;
};

/** Usage every reply reports (unless `noUsage`). */
export const SCRIPTED_USAGE = { prompt_tokens: 11, completion_tokens: 7, total_tokens: 18 };

/** Starts a server on a free loopback port. */
export async function startChatCompletionsServer(
  queue: ServerBehaviour[] = [],
): Promise<ChatCompletionsServer> {
  const requests: Record<string, unknown>[] = [];
  const waiters: { readonly count: number; readonly resolve: () => void }[] = [];
  const server = createServer((request, response) => {
    let text = '';
    request.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
    request.on('end', () => {
      const body = JSON.parse(text) as Record<string, unknown>;
      requests.push(body);
      for (const waiter of waiters.filter((w) => requests.length >= w.count)) waiter.resolve();
      const behaviour = (queue.length > 1 ? queue.shift() : queue[0]) ?? { kind: 'reply', pieces: ['ok'] };
      respond(behaviour, body, response);
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

function respond(behaviour: ServerBehaviour, body: Record<string, unknown>, response: ServerResponse): void {
  if (behaviour.kind === 'hang') return;
  if (behaviour.kind === 'raw') {
    response.writeHead(behaviour.status, { 'content-type': 'application/json', ...behaviour.headers });
    response.end(behaviour.body);
    return;
  }
  if (behaviour.kind === 'drop') {
    response.writeHead(200, { 'content-type': 'text/event-stream' });
    for (const piece of behaviour.pieces) sendEvent(response, chunk({ content: piece }, null));
    response.socket?.destroy();
    return;
  }
  const wantsLogprobs = body.logprobs === true;
  if (body.stream === true) streamReply(behaviour, wantsLogprobs, body, response);
  else jsonReply(behaviour, wantsLogprobs, response);
}

function jsonReply(reply: ScriptedReply, wantsLogprobs: boolean, response: ServerResponse): void {
  const toolCalls = reply.toolCalls?.map((call) => ({
    id: call.id,
    type: 'function',
    function: { name: call.name, arguments: call.arguments },
  }));
  response.writeHead(200, { 'content-type': 'application/json' });
  response.end(
    JSON.stringify({
      id: 'chatcmpl-1',
      object: 'chat.completion',
      created: 0,
      model: 'scripted',
      choices: [
        {
          index: 0,
          finish_reason: finishReason(reply),
          message: {
            role: 'assistant',
            content: reply.pieces.join(''),
            ...(toolCalls ? { tool_calls: toolCalls } : {}),
          },
          logprobs: wantsLogprobs ? { content: tokenLogprobs(reply, 0, reply.pieces.length) } : null,
        },
      ],
      ...(reply.noUsage === true ? {} : { usage: SCRIPTED_USAGE }),
    }),
  );
}

function streamReply(
  reply: ScriptedReply,
  wantsLogprobs: boolean,
  body: Record<string, unknown>,
  response: ServerResponse,
): void {
  response.writeHead(200, { 'content-type': 'text/event-stream' });
  sendEvent(response, chunk({ role: 'assistant', content: '' }, null));
  reply.pieces.forEach((piece, i) =>
    sendEvent(
      response,
      chunk({ content: piece }, null, wantsLogprobs ? tokenLogprobs(reply, i, i + 1) : undefined),
    ),
  );
  reply.toolCalls?.forEach((call, index) => {
    // A call arrives as its id and name, then its arguments in two halves, as OpenAI streams them.
    const half = Math.floor(call.arguments.length / 2);
    sendEvent(
      response,
      chunk(
        {
          tool_calls: [
            { index, id: call.id, type: 'function', function: { name: call.name, arguments: '' } },
          ],
        },
        null,
      ),
    );
    for (const part of [call.arguments.slice(0, half), call.arguments.slice(half)])
      sendEvent(response, chunk({ tool_calls: [{ index, function: { arguments: part } }] }, null));
  });
  sendEvent(response, chunk({}, finishReason(reply)));
  const options = body.stream_options as { include_usage?: boolean } | undefined;
  if (options?.include_usage === true && reply.noUsage !== true)
    sendEvent(response, {
      id: 'chatcmpl-1',
      object: 'chat.completion.chunk',
      created: 0,
      model: 'scripted',
      choices: [],
      usage: SCRIPTED_USAGE,
    });
  response.end('data: [DONE]\n\n');
}

function chunk(
  delta: Record<string, unknown>,
  finish: string | null,
  logprobs?: unknown,
): Record<string, unknown> {
  return {
    id: 'chatcmpl-1',
    object: 'chat.completion.chunk',
    created: 0,
    model: 'scripted',
    choices: [
      {
        index: 0,
        delta,
        finish_reason: finish,
        ...(logprobs === undefined ? {} : { logprobs: { content: logprobs } }),
      },
    ],
  };
}

function tokenLogprobs(reply: ScriptedReply, from: number, to: number) {
  return reply.pieces.slice(from, to).map((piece, i) => ({
    token: piece,
    logprob: reply.logprobs?.[from + i] ?? -1,
    bytes: [...Buffer.from(piece, 'utf8')],
    top_logprobs: [],
  }));
}

function finishReason(reply: ScriptedReply): string {
  return reply.finishReason ?? (reply.toolCalls === undefined ? 'stop' : 'tool_calls');
}

function sendEvent(response: ServerResponse, data: unknown): void {
  response.write(`data: ${JSON.stringify(data)}\n\n`);
}
