// buildServer: the Fastify app behind `stateset-agents serve`, built but not listening (tests inject
// requests). It owns hooks, routes and metrics; the caller owns (and closes) backend and stores.

import Fastify, { LogController, type FastifyInstance } from 'fastify';
import { StatesetError } from '../errors.js';
import { createLogger } from '../observability/logger.js';
import { createApiKeyRing } from './api-keys.js';
import { registerAccessHook } from './auth-hook.js';
import { registerChatCompletionsRoute } from './chat-completions-route.js';
import { parseGuardedJson } from './json-guard.js';
import { createRateLimiter } from './rate-limiter.js';
import { createReadinessRegistry, type ReadinessRegistry } from './readiness.js';
import { registerRequestHooks } from './request-hooks.js';
import { requestIdOf } from './request-ids.js';
import { createRouteTable } from './route-table.js';
import type { ServerDeps } from './server-deps.js';
import { createServerMetrics } from './server-metrics.js';
import type { BuildServerOptions, StatesetServer } from './server-options.js';
import { registerSystemRoutes } from './system-routes.js';

/**
 * Builds the server: API-key auth with scopes and rate limits, guarded JSON bodies, the error
 * envelope, request and trace ids, health, readiness, metrics, models and chat completions, then
 * `options.plugins` in order. Resolves once the app is ready; throws ConfigError on bad API keys.
 */
export async function buildServer(options: BuildServerOptions): Promise<StatesetServer> {
  const { config } = options;
  const logger = options.logger ?? createLogger({ level: config.logLevel, name: 'stateset-serve' });
  const metrics = options.metrics ?? createServerMetrics();
  const deps: ServerDeps = {
    config,
    backend: options.backend,
    conversations: options.conversations,
    trajectories: options.trajectories,
    metrics,
    logger,
    readiness: createReadinessRegistry(),
  };
  addCoreChecks(deps.readiness, deps);
  let shuttingDown = false;
  const app = Fastify({
    loggerInstance: logger,
    bodyLimit: config.bodyLimitBytes,
    trustProxy: config.trustProxy,
    genReqId: requestIdOf,
    // Our onResponse hook writes one line per request, with route, status, key id and trace id.
    logController: new LogController({ requestIdLogLabel: 'requestId', disableRequestLogging: true }),
    return503OnClosing: false,
  }) as unknown as FastifyInstance;

  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
    const parsed = parseGuardedJson(body as string, config.maxJsonDepth);
    if (parsed.ok) done(null, parsed.value);
    else done(new StatesetError('request_invalid', parsed.error), undefined);
  });
  registerRequestHooks(app, { metrics, routes: createRouteTable() });
  registerAccessHook(app, {
    keys: createApiKeyRing({ hashes: config.apiKeyHashes, rawKeys: config.apiKeys }),
    limiter: createRateLimiter({
      perMinute: config.rateLimitPerMinute,
      burst: config.rateLimitBurst,
      ...(options.now === undefined ? {} : { now: options.now }),
    }),
    metrics,
    logger,
    shuttingDown: () => shuttingDown,
  });
  registerSystemRoutes(app, deps, {
    shuttingDown: () => shuttingDown,
    startedAt: Math.floor(Date.now() / 1000),
  });
  registerChatCompletionsRoute(app, deps);
  for (const plugin of options.plugins ?? []) await plugin(app, deps);
  await app.ready();
  return {
    app,
    deps,
    markShuttingDown() {
      if (!shuttingDown) logger.info('shutting down: readiness is false and new requests are refused');
      shuttingDown = true;
    },
    get shuttingDown() {
      return shuttingDown;
    },
  };
}

function addCoreChecks(readiness: ReadinessRegistry, deps: ServerDeps): void {
  readiness.add('model', () =>
    deps.backend === undefined
      ? { ready: false, reason: 'no model is configured: give a checkpoint or an upstream endpoint' }
      : deps.backend.readiness(),
  );
  const { conversations, trajectories } = deps;
  if (conversations !== undefined) {
    readiness.add('conversations', async () => (await conversations.ping(), { ready: true }));
  }
  if (trajectories !== undefined) {
    readiness.add('trajectories', async () => (await trajectories.ping(), { ready: true }));
  }
}
