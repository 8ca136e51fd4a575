// Server-sent events for a streaming chat completion: `data: {chunk}\n\n` … `data: [DONE]\n\n`.
// Headers wait for the first piece of text, so a failure before it is still a plain HTTP error with
// the right status; a failure after it arrives as a final `data: {"error": …}` event.

import { once } from 'node:events';
import { PassThrough } from 'node:stream';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Completion, CompletionRequest } from './chat-backend.js';
import {
  chatCompletionChunk,
  openAILogprobs,
  openAIToolCalls,
  openAIUsage,
  type CompletionIdentity,
} from './chat-response.js';
import { errorEnvelope, toHttpError } from './http-error.js';

/** What `streamCompletion` needs. */
export type StreamCompletionOptions = {
  readonly request: FastifyRequest;
  readonly reply: FastifyReply;
  readonly identity: CompletionIdentity;
  /** Send a last chunk with `usage` (stream_options.include_usage). */
  readonly includeUsage: boolean;
  readonly logprobs: boolean;
  readonly signal: AbortSignal;
  /** Runs the backend with the given `onDelta`. */
  readonly complete: (onDelta: NonNullable<CompletionRequest['onDelta']>) => Promise<Completion>;
};

/** Streams one completion; rejects (nothing sent) when the backend fails before its first text. */
export async function streamCompletion(options: StreamCompletionOptions): Promise<FastifyReply> {
  const { identity, signal } = options;
  const stream = new PassThrough();
  const write = async (payload: unknown) => {
    if (stream.destroyed) return;
    if (!stream.write(`data: ${JSON.stringify(payload)}\n\n`)) await once(stream, 'drain', { signal });
  };
  let streamed = '';
  let begun = false;
  const begin = async () => {
    if (begun) return;
    begun = true;
    await write(chatCompletionChunk(identity, { delta: { role: 'assistant', content: '' } }));
  };
  let markStarted = () => {};
  const started = new Promise<void>((resolve) => (markStarted = resolve));
  const completion = options.complete(async (delta) => {
    if (delta.content === '') return;
    await begin();
    markStarted();
    streamed += delta.content;
    await write(chatCompletionChunk(identity, { delta: { content: delta.content } }));
  });
  await Promise.race([started, completion]);

  const finish = async () => {
    try {
      const result = await completion;
      await begin();
      const { content, toolCalls = [] } = result.message;
      // Text the backend did not stream (or streamed only in part) is sent now.
      if (content.startsWith(streamed) && content.length > streamed.length) {
        await write(chatCompletionChunk(identity, { delta: { content: content.slice(streamed.length) } }));
      }
      if (toolCalls.length > 0) {
        const calls = openAIToolCalls(toolCalls).map((call, index) => ({ index, ...call }));
        await write(chatCompletionChunk(identity, { delta: { tool_calls: calls } }));
      }
      const logprobs = options.logprobs ? openAILogprobs(result.logprobs) : null;
      await write(chatCompletionChunk(identity, { delta: {}, finishReason: result.finishReason, logprobs }));
      if (options.includeUsage) await write(chatCompletionChunk(identity, undefined, openAIUsage(result)));
      if (!stream.destroyed) stream.end('data: [DONE]\n\n');
    } catch (error) {
      const httpError = toHttpError(error);
      const log = options.request.log;
      if (httpError.status >= 500) log.error({ err: error }, 'chat stream failed after it began');
      else log.info({ code: httpError.code }, 'chat stream ended early');
      if (!stream.destroyed)
        stream.end(`data: ${JSON.stringify(errorEnvelope(httpError, options.request.id))}\n\n`);
    }
  };
  void finish();
  return options.reply
    .header('content-type', 'text/event-stream; charset=utf-8')
    .header('cache-control', 'no-cache')
    .header('x-accel-buffering', 'no')
    .send(stream);
}
