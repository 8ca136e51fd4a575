// The access hook run on every request before its body is read: refuses new work while shutting
// down, authenticates the API key, enforces the route's scope and the key's rate limit.

import type { FastifyInstance, FastifyRequest } from 'fastify';
import { StatesetError } from '../errors.js';
import type { Logger } from '../observability/logger.js';
import { hasScope, type ApiKeyRing } from './api-keys.js';
import { httpError, sendError } from './http-error.js';
import { SCOPES, type Principal, type Scope } from './principal.js';
import type { RateLimiter } from './rate-limiter.js';
import type { ServerMetrics } from './server-metrics.js';

/** The caller of every request when no keys are configured. */
export const ANONYMOUS: Principal = { keyId: 'anonymous', scopes: SCOPES };

/** What the access hook needs. */
export type AccessHookOptions = {
  readonly keys: ApiKeyRing;
  readonly limiter: RateLimiter;
  readonly metrics: ServerMetrics;
  readonly logger: Logger;
  /** True once graceful shutdown began. */
  readonly shuttingDown: () => boolean;
};

/** The key a request presents: `Authorization: Bearer <key>`, else `x-api-key`. */
export function presentedKey(request: FastifyRequest): string | undefined {
  const authorization = request.headers.authorization;
  if (typeof authorization === 'string') {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    if (match) return match[1];
  }
  const header = request.headers['x-api-key'];
  return typeof header === 'string' && header !== '' ? header : undefined;
}

/**
 * Throws StatesetError('forbidden') unless the request's principal holds `scope` (admin holds all):
 * for checks inside a handler, beyond the route's own `config.scope`.
 */
export function requireScope(request: FastifyRequest, scope: Scope): Principal {
  const principal = request.principal;
  if (principal === undefined || !hasScope(principal, scope)) {
    throw new StatesetError('forbidden', `this needs the "${scope}" scope`);
  }
  return principal;
}

/** Adds the access hook; routes without `config.scope` (health, readiness, metrics) are public. */
export function registerAccessHook(app: FastifyInstance, options: AccessHookOptions): void {
  if (options.keys.open) {
    options.logger.warn('no API keys configured: every caller is "anonymous" with every scope');
  }
  app.addHook('onRequest', async (request, reply) => {
    const scope = request.routeOptions.config.scope;
    if (scope === undefined) return;
    if (options.shuttingDown()) {
      reply.header('connection', 'close');
      return sendError(
        request,
        reply,
        httpError('server_shutting_down', 'the server is shutting down; retry elsewhere'),
      );
    }
    let principal: Principal | undefined = ANONYMOUS;
    if (!options.keys.open) {
      const key = presentedKey(request);
      principal = key === undefined ? undefined : options.keys.authenticate(key);
      if (principal === undefined) {
        reply.header('www-authenticate', 'Bearer');
        const message =
          key === undefined ? 'send an API key: Authorization: Bearer <key>' : 'unknown API key';
        return sendError(request, reply, httpError('unauthorized', message));
      }
    }
    request.principal = principal;
    if (!hasScope(principal, scope)) {
      return sendError(request, reply, httpError('forbidden', `this route needs the "${scope}" scope`));
    }
    const decision = options.limiter.take(principal.keyId);
    if (!decision.allowed) {
      options.metrics.rejections.inc({ reason: 'rate_limit' });
      options.metrics.rateLimitRejections.inc({ key: principal.keyId });
      reply.header('retry-after', String(decision.retryAfterSeconds));
      return sendError(
        request,
        reply,
        httpError('rate_limited', `rate limit reached; retry after ${decision.retryAfterSeconds} s`),
      );
    }
  });
}
