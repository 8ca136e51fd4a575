// Writes scripted behaviours onto the wire in the OpenAI chat-completions format: one JSON body, or
// an SSE stream of `chat.completion.chunk` events ending in `data: [DONE]`, as the request asks.

import type { ServerResponse } from 'node:http';
import type { ChatRequestBody, ScriptedBehaviour, ScriptedReply } from './chat-completions-behaviour.js';

/** Token counts every scripted reply reports unless it says `usage: false`. */
export const SCRIPTED_USAGE = { prompt_tokens: 11, completion_tokens: 7, total_tokens: 18 } as const;

/** Answers one request with `behaviour`; `number` is the request's 1-based position, used in ids. */
export function writeBehaviour(
  behaviour: ScriptedBehaviour,
  body: ChatRequestBody,
  number: number,
  response: ServerResponse,
): void {
  const id = `chatcmpl-${number}`;
  switch (behaviour.kind) {
    case 'hang':
      return;
    case 'raw':
      response.writeHead(behaviour.status, { 'content-type': 'application/json', ...behaviour.headers });
      response.end(behaviour.body);
      return;
    case 'error':
      writeError(response, behaviour.status, behaviour.message ?? 'scripted failure');
      return;
    case 'drop':
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      for (const piece of behaviour.pieces) sendEvent(response, chunk(id, { content: piece }, null));
      // Drop once the pieces are flushed, so the client does see them before the connection breaks.
      response.write('', () => response.socket?.destroy());
      return;
    case 'reply':
      if (body.stream === true) streamReply(behaviour, body, id, response);
      else jsonReply(behaviour, body, id, response);
  }
}

/** Sends an OpenAI-style error envelope with this status. */
export function writeError(response: ServerResponse, status: number, message: string): void {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify({ error: { message, type: 'scripted_error' } }));
}

function jsonReply(reply: ScriptedReply, body: ChatRequestBody, id: string, response: ServerResponse): void {
  const pieces = piecesOf(reply);
  const toolCalls = reply.toolCalls?.map((call) => ({
    ...(call.id === undefined ? {} : { id: call.id }),
    type: 'function',
    function: { name: call.name, arguments: call.arguments },
  }));
  const choice = {
    index: 0,
    finish_reason: finishReason(reply),
    message: {
      role: 'assistant',
      content: reply.content === null ? null : pieces.join(''),
      ...(toolCalls ? { tool_calls: toolCalls } : {}),
    },
    logprobs: body.logprobs === true ? { content: tokenLogprobs(reply, pieces, 0, pieces.length) } : null,
  };
  response.writeHead(200, { 'content-type': 'application/json' });
  response.end(
    JSON.stringify({
      id,
      object: 'chat.completion',
      created: 0,
      model: 'scripted',
      choices: [choice],
      ...(reply.usage === false ? {} : { usage: reply.usage ?? SCRIPTED_USAGE }),
    }),
  );
}

function streamReply(
  reply: ScriptedReply,
  body: ChatRequestBody,
  id: string,
  response: ServerResponse,
): void {
  const pieces = piecesOf(reply);
  const wantsLogprobs = body.logprobs === true;
  response.writeHead(200, { 'content-type': 'text/event-stream' });
  sendEvent(response, chunk(id, { role: 'assistant', content: '' }, null));
  pieces.forEach((piece, i) =>
    sendEvent(
      response,
      chunk(id, { content: piece }, null, wantsLogprobs ? tokenLogprobs(reply, pieces, i, i + 1) : undefined),
    ),
  );
  reply.toolCalls?.forEach((call, index) => {
    // A call arrives as its id and name, then its arguments in two halves, as OpenAI streams them.
    const half = Math.floor(call.arguments.length / 2);
    const opening = { index, id: call.id, type: 'function', function: { name: call.name, arguments: '' } };
    sendEvent(response, chunk(id, { tool_calls: [opening] }, null));
    for (const part of [call.arguments.slice(0, half), call.arguments.slice(half)])
      sendEvent(response, chunk(id, { tool_calls: [{ index, function: { arguments: part } }] }, null));
  });
  sendEvent(response, chunk(id, {}, finishReason(reply)));
  const options = body.stream_options as { include_usage?: unknown } | undefined;
  if (options?.include_usage === true && reply.usage !== false) {
    const usage = reply.usage ?? SCRIPTED_USAGE;
    sendEvent(response, {
      id,
      object: 'chat.completion.chunk',
      created: 0,
      model: 'scripted',
      choices: [],
      usage,
    });
  }
  response.end('data: [DONE]\n\n');
}

function chunk(id: string, delta: Record<string, unknown>, finish: string | null, logprobs?: unknown) {
  const choice = {
    index: 0,
    delta,
    finish_reason: finish,
    ...(logprobs === undefined ? {} : { logprobs: { content: logprobs } }),
  };
  return { id, object: 'chat.completion.chunk', created: 0, model: 'scripted', choices: [choice] };
}

/** The reply's text as the pieces it streams in: one piece for a string, none for null. */
function piecesOf(reply: ScriptedReply): readonly string[] {
  if (reply.content === null) return [];
  return typeof reply.content === 'string' ? [reply.content] : reply.content;
}

function tokenLogprobs(reply: ScriptedReply, pieces: readonly string[], from: number, to: number) {
  return pieces.slice(from, to).map((piece, i) => ({
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
