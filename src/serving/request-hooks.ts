// Per-request plumbing shared by every route: request and trace id headers, a trace-id child logger,
// one structured log line and the HTTP metrics per response, the error envelope, 404 and 405.

import type { FastifyInstance } from 'fastify';
import { httpError, sendError, toHttpError } from './http-error.js';
import { REQUEST_ID_HEADER, TRACE_ID_HEADER, traceIdOf } from './request-ids.js';
import type { RouteTable } from './route-table.js';
import type { ServerMetrics } from './server-metrics.js';

/** Route label of requests that matched no route (keeps metric label sets bounded). */
export const UNMATCHED_ROUTE = 'unmatched';

/** Adds the id, logging, metrics, error and not-found handling to `app`. */
export function registerRequestHooks(
  app: FastifyInstance,
  options: { metrics: ServerMetrics; routes: RouteTable },
): void {
  const { metrics, routes } = options;
  app.decorateRequest('traceId', '');
  app.addHook('onRoute', (route) => routes.add(route.url, route.method));

  app.addHook('onRequest', async (request, reply) => {
    request.traceId = traceIdOf(request.headers);
    request.log = request.log.child({ traceId: request.traceId });
    reply.header(REQUEST_ID_HEADER, request.id).header(TRACE_ID_HEADER, request.traceId);
  });

  app.addHook('onResponse', async (request, reply) => {
    const labels = {
      method: request.method,
      route: request.routeOptions.url ?? UNMATCHED_ROUTE,
      status: String(reply.statusCode),
    };
    metrics.httpRequests.inc(labels);
    metrics.httpDuration.observe(labels, reply.elapsedTime / 1000);
    request.log.info(
      {
        ...labels,
        path: request.url.split('?')[0],
        durationMs: Math.round(reply.elapsedTime * 10) / 10,
        keyId: request.principal?.keyId,
      },
      'request completed',
    );
  });

  app.setErrorHandler((error, request, reply) => {
    const answer = toHttpError(error);
    if (answer.status >= 500) request.log.error({ err: error, code: answer.code }, 'request failed');
    else request.log.info({ code: answer.code, reason: answer.message }, 'request refused');
    return sendError(request, reply, answer);
  });

  app.setNotFoundHandler((request, reply) => {
    const allowed = routes.allowedMethods(request.url);
    if (allowed.length > 0) {
      reply.header('allow', allowed.join(', '));
      return sendError(
        request,
        reply,
        httpError('method_not_allowed', `${request.method} is not allowed here; use ${allowed.join(', ')}`),
      );
    }
    return sendError(
      request,
      reply,
      httpError('not_found', `no route ${request.method} ${request.url.split('?')[0]}`),
    );
  });
}
