// Test support: a real loopback HTTP server that speaks OpenAI chat completions, answering from a
// queue of scripted behaviours (a reply, an HTTP error, or never answering), and recording requests.

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the server does with one request. */
export type ServerBehaviour =
  | { readonly kind: 'reply'; readonly content: string | null }
  | { readonly kind: 'status'; readonly status: number; readonly message?: string }
  | { readonly kind: 'hang' };

/** A request body as the server received it. */
export type ChatRequest = {
  readonly model: string;
  readonly messages: readonly { readonly role: string; readonly content: string }[];
  readonly temperature?: number;
  readonly seed?: number;
};

/** A running server: its base URL, the requests it got, and `close`. */
export type ChatCompletionsServer = {
  readonly baseURL: string;
  readonly requests: ChatRequest[];
  /** Behaviours to use, in order; when empty, `fallback` answers. */
  readonly queue: ServerBehaviour[];
  close(): Promise<void>;
};

/** Starts a server on 127.0.0.1 and a free port. */
export async function startChatCompletionsServer(
  fallback: ServerBehaviour = { kind: 'reply', content: 'ok' },
): Promise<ChatCompletionsServer> {
  const requests: ChatRequest[] = [];
  const queue: ServerBehaviour[] = [];
  const server: Server = createServer((request: IncomingMessage, response: ServerResponse) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    request.on('end', () => {
      if (request.method !== 'POST' || !request.url?.endsWith('/chat/completions')) {
        response.writeHead(404).end();
        return;
      }
      requests.push(JSON.parse(body) as ChatRequest);
      const behaviour = queue.shift() ?? fallback;
      if (behaviour.kind === 'hang') return;
      if (behaviour.kind === 'status') {
        response.writeHead(behaviour.status, { 'content-type': 'application/json' });
        response.end(
          JSON.stringify({ error: { message: behaviour.message ?? 'scripted failure', type: 'test' } }),
        );
        return;
      }
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(
        JSON.stringify({
          id: `chatcmpl-${requests.length}`,
          object: 'chat.completion',
          created: 0,
          model: 'test',
          choices: [
            { index: 0, finish_reason: 'stop', message: { role: 'assistant', content: behaviour.content } },
          ],
          usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
        }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseURL: `http://127.0.0.1:${port}/v1`,
    requests,
    queue,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
