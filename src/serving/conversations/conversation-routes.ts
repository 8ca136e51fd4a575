// The conversation routes (scope `chat`): create a conversation in a world, send messages (the agent
// loop runs server-side, tools included), read it, give feedback, delete it. See conversation-service.

import type { FastifyRequest } from 'fastify';
import { StatesetError } from '../../errors.js';
import type { ServerPlugin } from '../server-deps.js';
import {
  createConversationBody,
  feedbackBody,
  messageBody,
  parseBody,
  type RequestLimits,
} from './conversation-requests.js';
import { ConversationService } from './conversation-service.js';
import type { Caller } from './conversation-turn-step.js';
import { conversationView, turnView } from './conversation-views.js';
import { ConversationsConfigSchema, type ConversationsConfig } from './conversations-config.js';
import { ToolStates } from './tool-states.js';
import { WorldRegistry } from './world-registry.js';

/** Options of `conversationRoutes`: the settings (defaults from `ConversationsConfigSchema`) and test hooks. */
export type ConversationRoutesOptions = {
  readonly config?: Partial<ConversationsConfig>;
  /** Where `$STATESET_TAU_RETAIL` is read; default `process.env`. */
  readonly processEnv?: Readonly<Record<string, string | undefined>>;
  /** Clock of conversation times; default `() => new Date()`. */
  readonly now?: () => Date;
};

type IdParams = { readonly id: string };

/** The conversation routes as a server plugin. Throws ZodError for an invalid `config`. */
export function conversationRoutes(options: ConversationRoutesOptions = {}): ServerPlugin {
  const config = ConversationsConfigSchema.parse(options.config ?? {});
  return (app, deps) => {
    const service = new ConversationService({
      store: deps.conversations,
      trajectories: deps.trajectories,
      backend: deps.backend,
      worlds: new WorldRegistry({ retailData: config.retailData, processEnv: options.processEnv }),
      toolStates: new ToolStates(config.toolStateCacheSize),
      config,
      metrics: deps.metrics,
      ...(options.now === undefined ? {} : { now: options.now }),
    });
    const limits: RequestLimits = {
      maxMessageChars: deps.config.maxMessageChars,
      maxTokensLimit: deps.config.maxTokensLimit,
    };
    const route = { config: { scope: 'chat' as const } };

    app.post('/v1/conversations', route, async (request, reply) => {
      const body = parseBody(createConversationBody(limits), request.body);
      const caller = callerOf(request);
      const conversation = await service.create(caller, {
        environment: body.environment,
        ...(body.system === undefined ? {} : { system: body.system }),
        ...(body.metadata === undefined ? {} : { metadata: body.metadata }),
        ...(body.sampling === undefined ? {} : { sampling: body.sampling }),
      });
      if (body.message === undefined) return reply.code(201).send(conversationView(conversation));
      try {
        const turn = await service.send(caller, conversation.id, body.message);
        return reply.code(201).send({ ...conversationView(turn.conversation), turn: turnView(turn) });
      } catch (error) {
        // The create and its first turn are one request: a failed turn leaves no conversation behind.
        await deps.conversations?.delete(conversation.id).catch(() => undefined);
        throw error;
      }
    });

    app.post<{ Params: IdParams }>('/v1/conversations/:id/messages', route, async (request) => {
      const body = parseBody(messageBody(limits), request.body);
      const turn = await service.send(callerOf(request), request.params.id, body.content);
      return turnView(turn);
    });

    app.get<{ Params: IdParams }>('/v1/conversations/:id', route, async (request) =>
      conversationView(await service.get(callerOf(request), request.params.id)),
    );

    app.delete<{ Params: IdParams }>('/v1/conversations/:id', route, async (request) => {
      const { stopReason } = await service.remove(callerOf(request), request.params.id);
      return { id: request.params.id, deleted: true, stopReason };
    });

    app.post<{ Params: IdParams }>('/v1/conversations/:id/feedback', route, async (request, reply) => {
      const body = parseBody(feedbackBody, request.body);
      const rating = body.rating ?? ((body.stars ?? 3) - 3) / 2;
      const result = await service.feedback(callerOf(request), request.params.id, {
        rating,
        ...(body.comment === undefined ? {} : { comment: body.comment }),
      });
      return reply.code(201).send({ conversationId: request.params.id, ...result });
    });
  };
}

/**
 * The caller of a request: its API key (set by the server's auth hook; a route reached without one
 * is refused rather than served as anyone), and the trace id and logger the server's request hooks
 * set (`x-trace-id` in and out, bound to every log line of the request).
 */
function callerOf(request: FastifyRequest): Caller {
  const principal = request.principal;
  if (principal === undefined) throw new StatesetError('unauthorized', 'no API key was authenticated');
  return { owner: principal.keyId, traceId: request.traceId, logger: request.log };
}
