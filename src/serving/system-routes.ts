// The routes every replica answers: liveness, readiness, Prometheus metrics, and the model list.

import type { FastifyInstance } from 'fastify';
import { StatesetError } from '../errors.js';
import { errorEnvelope, httpError } from './http-error.js';
import type { ServerDeps } from './server-deps.js';

/** How long one readiness check may take before it counts as not ready. */
export const READINESS_TIMEOUT_MS = 2000;

/** What the system routes need beyond the deps. */
export type SystemRoutesOptions = {
  readonly shuttingDown: () => boolean;
  /** Unix seconds the server started (`created` of the model). */
  readonly startedAt: number;
};

/** Registers `/healthz`, `/readyz`, `/metrics` (public) and `/v1/models` (scope `chat`). */
export function registerSystemRoutes(
  app: FastifyInstance,
  deps: ServerDeps,
  options: SystemRoutesOptions,
): void {
  app.get('/healthz', async () => ({ status: 'ok' }));

  app.get('/readyz', async (request, reply) => {
    const report = await deps.readiness.check(READINESS_TIMEOUT_MS);
    if (options.shuttingDown()) {
      const error = httpError('server_shutting_down', 'the server is shutting down');
      return reply
        .code(503)
        .send({ ready: false, checks: report.checks, ...errorEnvelope(error, request.id) });
    }
    if (!report.ready) {
      const reasons = Object.entries(report.checks)
        .flatMap(([name, result]) => (result.ready ? [] : [`${name}: ${result.reason}`]))
        .join('; ');
      const error = httpError('not_ready', reasons);
      return reply
        .code(503)
        .send({ ready: false, checks: report.checks, ...errorEnvelope(error, request.id) });
    }
    return { ready: true, checks: report.checks };
  });

  app.get('/metrics', async (request, reply) => {
    if (deps.conversations !== undefined) {
      try {
        deps.metrics.activeConversations.set(await deps.conversations.countActive());
      } catch (error) {
        request.log.warn({ err: error }, 'could not count active conversations for /metrics');
      }
    }
    const text = await deps.metrics.registry.metrics();
    return reply.type(deps.metrics.registry.contentType).send(text);
  });

  const modelEntry = (id: string) => ({
    id,
    object: 'model' as const,
    created: options.startedAt,
    owned_by: 'stateset-agents',
  });
  app.get('/v1/models', { config: { scope: 'chat' } }, async () => ({
    object: 'list' as const,
    data: deps.backend === undefined ? [] : [modelEntry(deps.backend.modelId)],
  }));
  app.get<{ Params: { model: string } }>(
    '/v1/models/:model',
    { config: { scope: 'chat' } },
    async (request) => {
      if (deps.backend === undefined || request.params.model !== deps.backend.modelId) {
        throw new StatesetError('model_not_found', `model "${request.params.model}" is not served here`);
      }
      return modelEntry(deps.backend.modelId);
    },
  );
}
