// Test support: a loopback chat-completions endpoint that holds every reply until the test releases it,
// so a request to a server in front of it stays in flight exactly as long as the test needs.

import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A running held upstream. */
export type HeldUpstream = {
  /** Base URL of its OpenAI-compatible API (`http://127.0.0.1:PORT/v1`). */
  readonly baseURL: string;
  /** Resolves once `count` requests have arrived in all. */
  arrived(count: number): Promise<void>;
  /** Answers every held request, and every later one at once, with `content`. */
  release(): void;
  /** Closes the server and drops any held connection. */
  close(): Promise<void>;
};

/** Starts a held upstream on a free loopback port; every reply's content is `content`. */
export async function startHeldUpstream(content: string): Promise<HeldUpstream> {
  const held: ServerResponse[] = [];
  const waiters: { readonly count: number; readonly resolve: () => void }[] = [];
  let arrivals = 0;
  let released = false;
  const answer = (response: ServerResponse) => {
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify(completion(content)));
  };
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    request.resume();
    request.on('end', () => {
      arrivals += 1;
      for (const waiter of waiters.filter((w) => arrivals >= w.count)) waiter.resolve();
      if (released) answer(response);
      else held.push(response);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseURL: `http://127.0.0.1:${port}/v1`,
    arrived: (count) =>
      arrivals >= count ? Promise.resolve() : new Promise((resolve) => waiters.push({ count, resolve })),
    release() {
      released = true;
      for (const response of held.splice(0)) answer(response);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function completion(content: string) {
  return {
    id: 'chatcmpl-held',
    object: 'chat.completion',
    created: 0,
    model: 'held',
    choices: [{ index: 0, finish_reason: 'stop', message: { role: 'assistant', content } }],
    usage: { prompt_tokens: 5, completion_tokens: 9, total_tokens: 14 },
  };
}
