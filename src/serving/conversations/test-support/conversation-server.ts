// Test support: a real server (buildServer) with the conversation routes, two API keys with the chat
// scope, the deterministic echo backend and the in-memory conversation store unless given others.

import { Writable } from 'node:stream';
import { createLogger } from '../../../observability/logger.js';
import type { ChatBackend } from '../../chat-backend.js';
import type { ConversationStore } from '../../conversation-store.js';
import { ServeConfigSchema } from '../../serve-config.js';
import { buildServer } from '../../server.js';
import type { StatesetServer } from '../../server-options.js';
import { createServerMetrics } from '../../server-metrics.js';
import { MemoryConversationStore } from '../../stores/memory-conversation-store.js';
import { EchoBackend } from '../../test-support/echo-backend.js';
import type { TrajectoryStore } from '../../trajectory-store.js';
import { conversationRoutes, type ConversationRoutesOptions } from '../conversation-routes.js';
import { ArrayTrajectoryStore } from './array-trajectory-store.js';

/** The keys of the test server: alice and bob may chat, trainer may only train. */
export const KEYS = { alice: 'alice-key-123', bob: 'bob-key-456', trainer: 'trainer-key-789' } as const;

/** Authorization headers for one of `KEYS`. */
export const as = (who: keyof typeof KEYS) => ({ authorization: `Bearer ${KEYS[who]}` });

/** What a test gets: the server and the parts it was built with, and its log lines. */
export type ConversationServer = StatesetServer & {
  readonly store: ConversationStore;
  readonly trajectories: TrajectoryStore;
  readonly backend: ChatBackend | undefined;
  /** Every JSON log line written so far. */
  readonly logs: () => Record<string, unknown>[];
};

/** Options of `conversationServer`. */
export type ConversationServerOptions = {
  readonly store?: ConversationStore;
  readonly trajectories?: TrajectoryStore;
  readonly backend?: ChatBackend;
  /** Build the server with no model at all. */
  readonly noBackend?: boolean;
  readonly routes?: ConversationRoutesOptions;
};

/** Builds the server (not listening); close it with `server.app.close()`. */
export async function conversationServer(
  options: ConversationServerOptions = {},
): Promise<ConversationServer> {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(
        ...chunk
          .toString('utf8')
          .split('\n')
          .filter((line) => line !== ''),
      );
      done();
    },
  });
  const store = options.store ?? new MemoryConversationStore();
  const trajectories = options.trajectories ?? new ArrayTrajectoryStore();
  const backend = options.noBackend === true ? undefined : (options.backend ?? new EchoBackend());
  const server = await buildServer({
    config: ServeConfigSchema.parse({
      apiKeys: `alice:${KEYS.alice}:chat,bob:${KEYS.bob}:chat,trainer:${KEYS.trainer}:train`,
      logLevel: 'debug',
      rateLimitPerMinute: 0,
    }),
    backend,
    conversations: store,
    trajectories,
    metrics: createServerMetrics({ processMetrics: false }),
    logger: createLogger({ level: 'debug', destination }),
    plugins: [conversationRoutes(options.routes)],
  });
  return Object.assign(server, {
    store,
    trajectories,
    backend,
    logs: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>),
  });
}
