// The servers a benchmark process runs: `buildServer` over a real checkpoint with real stores and the
// conversation routes, `buildServer` over the zero-cost scripted backend, or one bare Fastify route.

import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { createLogger } from '../../src/observability/logger.js';
import { LocalChatBackend } from '../../src/serving/backends/local-chat-backend.js';
import type { ChatBackend } from '../../src/serving/chat-backend.js';
import type { ConversationStore } from '../../src/serving/conversation-store.js';
import { conversationRoutes } from '../../src/serving/conversations/conversation-routes.js';
import { ResilientChatBackend } from '../../src/serving/resilience/resilient-chat-backend.js';
import { ServeConfigSchema } from '../../src/serving/serve-config.js';
import { buildServer } from '../../src/serving/server.js';
import { JsonlTrajectoryStore } from '../../src/serving/stores/jsonl-trajectory-store.js';
import { MemoryConversationStore } from '../../src/serving/stores/memory-conversation-store.js';
import { RedisConversationStore } from '../../src/serving/stores/redis-conversation-store.js';
import type { TrajectoryStore } from '../../src/serving/trajectory-store.js';
import type { FrameworkServerSpec, ServerSpec } from './server-spec.js';
import { ZeroCostChatBackend } from './zero-cost-backend.js';

/** A built app and what must be closed after it. */
export type BenchServer = {
  readonly app: FastifyInstance;
  /** Closes the app, then the backend and stores. */
  close(): Promise<void>;
};

/**
 * Builds the server `spec` describes (not yet listening). Throws when the checkpoint does not load.
 * `conversations`, when given, replaces the store `spec.store` names and stays the caller's to close.
 */
export async function buildBenchServer(
  spec: ServerSpec,
  given: { readonly conversations?: ConversationStore } = {},
): Promise<BenchServer> {
  if (spec.kind === 'bare-fastify') {
    const app = Fastify({ logger: false });
    app.post('/v1/chat/completions', async () => spec.body);
    await app.ready();
    return { app, close: () => app.close() };
  }
  // Per-request info lines are off (warn): the benchmark measures serving, not log volume.
  const config = ServeConfigSchema.parse({
    apiKeys: `bench:${spec.apiKey}:chat`,
    rateLimitPerMinute: 0,
    logLevel: 'warn',
    maxConcurrent: spec.maxConcurrent,
    fallbackMessage: '',
  });
  const logger = createLogger({ level: config.logLevel, name: 'bench-serve' });
  let inner: ChatBackend;
  let conversations: ConversationStore | undefined;
  let trajectories: TrajectoryStore | undefined;
  if (spec.kind === 'checkpoint') {
    const local = new LocalChatBackend({ source: { checkpoint: spec.checkpoint } });
    const loaded = await local.whenLoaded();
    if (!loaded.ready) throw new Error(`checkpoint ${spec.checkpoint} did not load: ${loaded.reason}`);
    inner = local;
    const ttlMs = config.conversationTtlSeconds * 1000;
    conversations =
      given.conversations ??
      (spec.store === 'redis'
        ? new RedisConversationStore({ url: spec.redisUrl ?? config.redisUrl, ttlMs })
        : new MemoryConversationStore({ ttlMs }));
    trajectories = new JsonlTrajectoryStore({ path: join(spec.trajectoriesDir, 'conversations.jsonl') });
  } else {
    inner = new ZeroCostChatBackend(spec.reply);
  }
  const backend = resilient(inner, spec, config);
  const server = await buildServer({
    config,
    backend,
    logger,
    ...(conversations === undefined ? {} : { conversations }),
    ...(trajectories === undefined ? {} : { trajectories }),
    plugins: spec.kind === 'checkpoint' ? [conversationRoutes()] : [],
  });
  return {
    app: server.app,
    async close() {
      server.markShuttingDown();
      await server.app.close();
      await trajectories?.flush();
      await trajectories?.close();
      if (given.conversations === undefined) await conversations?.close();
      await backend.close();
    },
  };
}

/** The resilience layer as `serve` configures it, with a queue so that bursts wait instead of failing. */
function resilient(
  backend: ChatBackend,
  spec: FrameworkServerSpec,
  config: ReturnType<typeof ServeConfigSchema.parse>,
): ResilientChatBackend {
  return new ResilientChatBackend({
    backend,
    attemptTimeoutMs: config.timeoutMs,
    totalTimeoutMs: config.timeoutMs,
    retry: { maxRetries: config.retries },
    breaker: {
      failureThreshold: config.breakerFailureThreshold,
      resetTimeoutMs: config.breakerResetTimeoutMs,
      halfOpenMaxCalls: config.breakerHalfOpenMaxCalls,
    },
    concurrency: { maxConcurrent: spec.maxConcurrent, maxQueue: spec.maxQueue },
    fallbackMessage: config.fallbackMessage,
  });
}
