// A real HTTP server on 127.0.0.1 that speaks the OpenAI chat-completions protocol, for testing code
// that calls an OpenAI-compatible endpoint: it answers from a queue of scripted behaviours, then from
// a fallback, and records every request it accepts.

import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import type {
  ChatRequestBody,
  RecordedChatRequest,
  ScriptedBehaviour,
  ScriptedResponder,
} from './chat-completions-behaviour.js';
import { writeBehaviour, writeError } from './chat-completions-replies.js';

/** Options of `startChatCompletionsServer`. */
export type ChatCompletionsServerOptions = {
  /** Behaviours for the first requests, one each, in order. Default: none. */
  readonly queue?: readonly ScriptedBehaviour[];
  /**
   * Answers every request once the queue is empty: a fixed behaviour, or a function of the request
   * for replies that depend on what was asked. Default: a reply with content `ok`.
   */
  readonly fallback?: ScriptedBehaviour | ScriptedResponder;
};

/** A running scripted server. */
export type ChatCompletionsServer = {
  /** The base URL to give an OpenAI client, ending in `/v1`. */
  readonly baseURL: string;
  /** Every accepted request, in order of arrival. */
  readonly requests: readonly RecordedChatRequest[];
  /** Behaviours still to be used, in order; push onto it to script further requests. */
  readonly queue: ScriptedBehaviour[];
  /** Resolves once `count` requests have arrived in all. */
  waitForRequests(count: number): Promise<void>;
  /** Drops open connections (hanging requests included) and stops listening. */
  close(): Promise<void>;
};

const DEFAULT_FALLBACK: ScriptedBehaviour = { kind: 'reply', content: 'ok' };

/**
 * Starts a scripted chat-completions server on a free loopback port. It serves `POST
 * <baseURL>/chat/completions` (404 elsewhere, 400 for a body without `model` and `messages`).
 *
 * @example
 * const server = await startChatCompletionsServer({
 *   queue: [{ kind: 'error', status: 503 }],
 *   fallback: ({ body }) => ({ kind: 'reply', content: `${body.messages.length} messages` }),
 * });
 * // ... point the code under test at server.baseURL, then:
 * expect(server.requests[1].headers.authorization).toBe('Bearer sk-test');
 * await server.close();
 */
export async function startChatCompletionsServer(
  options: ChatCompletionsServerOptions = {},
): Promise<ChatCompletionsServer> {
  const requests: RecordedChatRequest[] = [];
  const queue = [...(options.queue ?? [])];
  const fallback = options.fallback ?? DEFAULT_FALLBACK;
  const waiters: { readonly count: number; readonly resolve: () => void }[] = [];
  const server = createServer((request, response) => {
    void readText(request)
      .then(async (text) => {
        if (request.method !== 'POST' || !request.url?.endsWith('/chat/completions')) {
          writeError(response, 404, `no route ${request.method ?? ''} ${request.url ?? ''}`);
          return;
        }
        const body = parseBody(text);
        if (body === undefined) {
          writeError(response, 400, 'expected a JSON object with a string model and a messages array');
          return;
        }
        const recorded: RecordedChatRequest = { body, headers: request.headers, at: performance.now() };
        requests.push(recorded);
        for (const waiter of waiters.filter((w) => requests.length >= w.count)) waiter.resolve();
        const number = requests.length;
        const behaviour =
          queue.shift() ?? (typeof fallback === 'function' ? await fallback(recorded) : fallback);
        writeBehaviour(behaviour, body, number, response);
      })
      .catch((error: unknown) => {
        // A throwing responder is a bug in the test: answer so the client does not hang, then surface it.
        if (!response.headersSent) writeError(response, 500, `scripted responder failed: ${String(error)}`);
        throw error;
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

function readText(request: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    let text = '';
    request.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
    request.on('end', () => resolve(text));
  });
}

function parseBody(text: string): ChatRequestBody | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const { model, messages } = value as Record<string, unknown>;
  if (typeof model !== 'string' || !Array.isArray(messages)) return undefined;
  const wellFormed = messages.every(
    (message: unknown) =>
      typeof message === 'object' &&
      message !== null &&
      typeof (message as { role?: unknown }).role === 'string',
  );
  return wellFormed ? (value as ChatRequestBody) : undefined;
}
