// The options and result of `buildServer`.

import type { FastifyInstance } from 'fastify';
import type { Logger } from '../observability/logger.js';
import type { ChatBackend } from './chat-backend.js';
import type { ConversationStore } from './conversation-store.js';
import type { ServeConfig } from './serve-config.js';
import type { ServerDeps, ServerPlugin } from './server-deps.js';
import type { ServerMetrics } from './server-metrics.js';
import type { TrajectoryStore } from './trajectory-store.js';

/** Options of `buildServer`. Backend and stores stay the caller's: closing the app does not close them. */
export type BuildServerOptions = {
  /** A parsed configuration (`ServeConfigSchema.parse({})` for the defaults). */
  readonly config: ServeConfig;
  /** What answers chat; absent: the server starts, `/readyz` says why not, chat answers 503. */
  readonly backend?: ChatBackend;
  readonly conversations?: ConversationStore;
  readonly trajectories?: TrajectoryStore;
  /** Defaults to a JSON logger on stderr at `config.logLevel`. */
  readonly logger?: Logger;
  /** Defaults to a fresh `createServerMetrics()`. */
  readonly metrics?: ServerMetrics;
  /** Route modules, called in order with the server's deps after the built-in routes. */
  readonly plugins?: readonly ServerPlugin[];
  /** Clock of the rate limiter in ms (tests); defaults to `performance.now`. */
  readonly now?: () => number;
};

/** A built server: the Fastify app (not listening) and the switch graceful shutdown turns. */
export type StatesetServer = {
  readonly app: FastifyInstance;
  readonly deps: ServerDeps;
  /**
   * Readiness turns false (503 `server_shutting_down`) and new requests other than health checks
   * are refused with the same code; in-flight ones finish. Call before `app.close()`.
   */
  markShuttingDown(): void;
  readonly shuttingDown: boolean;
};
