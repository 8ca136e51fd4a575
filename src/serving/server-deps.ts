// What the server's parts share: configuration, backend, stores, metrics, logger and readiness. Route
// modules (conversations, training jobs) are `ServerPlugin`s that `buildServer` calls with these.

import type { FastifyInstance } from 'fastify';
import type { Logger } from '../observability/logger.js';
import type { ChatBackend } from './chat-backend.js';
import type { ConversationStore } from './conversation-store.js';
import type { ReadinessRegistry } from './readiness.js';
import type { ServeConfig } from './serve-config.js';
import type { ServerMetrics } from './server-metrics.js';
import type { TrajectoryStore } from './trajectory-store.js';
import type { Scope } from './principal.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The scope a caller needs for this route; absent: public (health, readiness, metrics). */
    scope?: Scope;
  }
  interface FastifyRequest {
    /** The caller's trace id (`x-trace-id`, or generated), logged with every line of the request. */
    traceId: string;
  }
}

/** Everything a route module needs; the caller of `buildServer` owns (and closes) backend and stores. */
export type ServerDeps = {
  readonly config: ServeConfig;
  /** Absent: no model is configured; chat routes answer 503 `model_unavailable`. */
  readonly backend: ChatBackend | undefined;
  readonly conversations: ConversationStore | undefined;
  readonly trajectories: TrajectoryStore | undefined;
  readonly metrics: ServerMetrics;
  readonly logger: Logger;
  /** Where plugins add checks that `/readyz` runs. */
  readonly readiness: ReadinessRegistry;
};

/**
 * Registers routes on the server, sharing its hooks (auth, rate limits, errors). Routes declare their
 * scope with the route option `config: { scope: 'chat' | 'train' | 'admin' }`. May be async (awaited).
 */
export type ServerPlugin = (app: FastifyInstance, deps: ServerDeps) => void | PromiseLike<void>;
