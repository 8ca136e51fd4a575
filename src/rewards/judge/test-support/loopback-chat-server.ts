// A real HTTP server on 127.0.0.1 that speaks the OpenAI chat completions protocol with scripted
// replies, standing in for a hosted judge model in tests.

import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A request the server received: its parsed JSON body and headers. */
export type ReceivedChatRequest = {
  readonly body: {
    readonly model: string;
    readonly messages: readonly { readonly role: string; readonly content: string }[];
    readonly [key: string]: unknown;
  };
  readonly headers: IncomingMessage['headers'];
};

/** What to answer: assistant `content` in a completion, a raw `status`/`body`, or no answer at all. */
export type ScriptedReply =
  | { readonly content: string }
  | { readonly status: number; readonly body: unknown; readonly headers?: Readonly<Record<string, string>> }
  | { readonly hang: true };

/** A running server; `close` also ends requests left hanging. */
export type LoopbackChatServer = {
  readonly baseURL: string;
  readonly requests: readonly ReceivedChatRequest[];
  close(): Promise<void>;
};

/** Starts a server on a free loopback port that answers request `index` (0-based) with `reply`. */
export async function startLoopbackChatServer(
  reply: (request: ReceivedChatRequest, index: number) => ScriptedReply,
): Promise<LoopbackChatServer> {
  const requests: ReceivedChatRequest[] = [];
  const server = createServer((incoming, response) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => {
      const request = { body: JSON.parse(Buffer.concat(chunks).toString('utf8')), headers: incoming.headers };
      requests.push(request);
      answer(response, reply(request, requests.length - 1), request.body.model);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseURL: `http://127.0.0.1:${port}/v1`,
    requests,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

function answer(response: ServerResponse, scripted: ScriptedReply, model: string): void {
  if ('hang' in scripted) return;
  if ('content' in scripted) {
    const completion = {
      id: 'chatcmpl-loopback',
      object: 'chat.completion',
      created: 0,
      model,
      choices: [
        { index: 0, finish_reason: 'stop', message: { role: 'assistant', content: scripted.content } },
      ],
    };
    return send(response, 200, completion, {});
  }
  send(response, scripted.status, scripted.body, scripted.headers ?? {});
}

function send(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Readonly<Record<string, string>>,
): void {
  response.writeHead(status, { 'content-type': 'application/json', ...headers });
  response.end(JSON.stringify(body));
}

/**
 * A deterministic stand-in judge: reads each `<conversation id="…">` block of the prompt and scores
 * it by the `SCORE=<x>` marker inside, as a model that followed the rubric perfectly would.
 */
export function markerJudgeReply(request: ReceivedChatRequest): ScriptedReply {
  const prompt = request.body.messages.map((message) => message.content).join('\n');
  const scores = [...prompt.matchAll(/<conversation id="([^"]+)">([\s\S]*?)<\/conversation>/g)].map(
    (match) => ({
      id: match[1],
      score: Number(/SCORE=([0-9.]+)/.exec(match[2])?.[1] ?? 'NaN'),
      explanation: `marker of ${match[1]}`,
    }),
  );
  return { content: JSON.stringify({ scores }) };
}

/** The `SCORE=` markers in the order the prompt shows them. */
export function markersInPrompt(request: ReceivedChatRequest): number[] {
  const prompt = request.body.messages.map((message) => message.content).join('\n');
  return [...prompt.matchAll(/SCORE=([0-9.]+)/g)].map((match) => Number(match[1]));
}
