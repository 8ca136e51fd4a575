// `POST /v1/chat/completions`, compatible with the OpenAI API: validated body, our message types for
// the backend, a `chat.completion` body or an SSE stream of `chat.completion.chunk`s.

import type { FastifyInstance } from 'fastify';
import type { ZodError } from 'zod';
import { StatesetError } from '../errors.js';
import { completeWithMetrics, readyBackend } from './backend-call.js';
import { chatRequestSchema } from './chat-request-schema.js';
import { toChatInput } from './chat-request.js';
import { chatCompletionBody, newCompletionIdentity } from './chat-response.js';
import { streamCompletion } from './chat-stream.js';
import type { ServerDeps } from './server-deps.js';

/** Header set on a non-streaming reply that the resilience layer's fallback wrote, not the model. */
export const DEGRADED_HEADER = 'x-stateset-degraded';

/** The first few problems of a failed validation, as one caller-readable line. */
export function describeIssues(error: ZodError, limit = 3): string {
  const problems = error.issues
    .slice(0, limit)
    .map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : '(body)'}: ${issue.message}`);
  const more = error.issues.length > limit ? ` (and ${error.issues.length - limit} more)` : '';
  return problems.join('; ') + more;
}

/** Registers the chat completions route (scope `chat`). */
export function registerChatCompletionsRoute(app: FastifyInstance, deps: ServerDeps): void {
  const schema = chatRequestSchema(deps.config);
  app.post('/v1/chat/completions', { config: { scope: 'chat' } }, async (request, reply) => {
    const parsed = schema.safeParse(request.body);
    if (!parsed.success) throw new StatesetError('request_invalid', describeIssues(parsed.error));
    const body = parsed.data;
    const backend = readyBackend(deps.backend);
    if (body.model !== backend.modelId) {
      throw new StatesetError(
        'model_not_found',
        `model "${body.model}" is not served here; GET /v1/models lists "${backend.modelId}"`,
      );
    }
    const input = toChatInput(body, deps.config);
    if (!input.ok) throw new StatesetError('request_invalid', input.error);

    // The backend stops when the caller goes away before the reply is finished.
    const controller = new AbortController();
    reply.raw.on('close', () => {
      if (!reply.raw.writableFinished) controller.abort();
    });
    const backendRequest = {
      messages: input.value.messages,
      ...(input.value.tools.length > 0 ? { tools: input.value.tools } : {}),
      sampling: input.value.sampling,
      logprobs: input.value.logprobs,
      signal: controller.signal,
    };
    const identity = newCompletionIdentity(backend.modelId);
    if (body.stream === true) {
      return streamCompletion({
        request,
        reply,
        identity,
        includeUsage: body.stream_options?.include_usage === true,
        logprobs: input.value.logprobs,
        signal: controller.signal,
        complete: (onDelta) => completeWithMetrics(backend, deps.metrics, { ...backendRequest, onDelta }),
      });
    }
    const completion = await completeWithMetrics(backend, deps.metrics, backendRequest);
    if (completion.degraded === true) reply.header(DEGRADED_HEADER, 'true');
    return chatCompletionBody(identity, completion, input.value.logprobs);
  });
}
