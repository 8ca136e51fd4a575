// Turns a serving configuration into the parts `buildServer` takes: the resilient chat backend, the
// conversation and trajectory stores, the route plugins, and the ordered cleanup graceful shutdown runs.

import { join } from 'node:path';
import type { Logger } from '../observability/logger.js';
import type { ChatBackend } from './chat-backend.js';
import { createConfiguredBackend, type ConfiguredBackend } from './configured-backend.js';
import type { ConversationStore } from './conversation-store.js';
import { conversationRoutes } from './conversations/conversation-routes.js';
import type { ShutdownStep } from './graceful-shutdown.js';
import type { ServerPlugin } from './server-deps.js';
import { createServerMetrics, type ServerMetrics } from './server-metrics.js';
import {
  conversationsConfigOf,
  trainingJobsConfigOf,
  type ServingStackConfig,
} from './serving-stack-config.js';
import { JsonlTrajectoryStore } from './stores/jsonl-trajectory-store.js';
import { MemoryConversationStore } from './stores/memory-conversation-store.js';
import { RedisConversationStore } from './stores/redis-conversation-store.js';
import { RedisTrajectoryStore } from './stores/redis-trajectory-store.js';
import { TrainingJobManager } from './training-jobs/training-job-manager.js';
import { trainingJobRoutes } from './training-jobs/training-job-routes.js';
import type { TrajectoryStore } from './trajectory-store.js';

/** Options of `createServingStack`. */
export type ServingStackOptions = {
  readonly config: ServingStackConfig;
  readonly logger: Logger;
  /** Defaults to a fresh `createServerMetrics()`; pass the same object to `buildServer`. */
  readonly metrics?: ServerMetrics;
  /** Where the retail data location and the training workers' environment come from; default `process.env`. */
  readonly env?: NodeJS.ProcessEnv;
  /** The compiled CLI that training workers run; default the one beside this module's compiled file. */
  readonly cliEntry?: string;
  /** Clock of the capture file's name; default `() => new Date()`. */
  readonly now?: () => Date;
};

/** Everything a serving process runs besides the HTTP server itself. */
export type ServingStack = {
  readonly backend: ChatBackend;
  /** What the backend serves, and when its model has loaded. */
  readonly model: Omit<ConfiguredBackend, 'backend'>;
  readonly conversations: ConversationStore;
  readonly trajectories: TrajectoryStore;
  /** Absent when `trainingJobs` is off. */
  readonly trainingJobs: TrainingJobManager | undefined;
  readonly metrics: ServerMetrics;
  /** Conversations, then training jobs (when on). */
  readonly plugins: readonly ServerPlugin[];
  /** Cleanup after the HTTP server closed: training jobs, trajectories (flushed), conversations, backend. */
  readonly shutdownSteps: readonly ShutdownStep[];
};

/**
 * Builds the parts from `config`: conversations in memory or Redis (`store`), captures to a JSONL file
 * of this process in `trajectoriesDir` or a Redis list (`trajectoryStore`). Throws ConfigError for a
 * contradictory model configuration; nothing is opened before that check.
 */
export function createServingStack(options: ServingStackOptions): ServingStack {
  const { config, logger } = options;
  const metrics = options.metrics ?? createServerMetrics();
  const { backend, ...model } = createConfiguredBackend({ config, metrics, logger });
  const conversations: ConversationStore =
    config.store === 'redis'
      ? new RedisConversationStore({ url: config.redisUrl, ttlMs: config.conversationTtlSeconds * 1000 })
      : new MemoryConversationStore({ ttlMs: config.conversationTtlSeconds * 1000 });
  const trajectories: TrajectoryStore =
    config.trajectoryStore === 'redis'
      ? new RedisTrajectoryStore({ url: config.redisUrl, key: config.trajectoryKey })
      : new JsonlTrajectoryStore({
          path: join(config.trajectoriesDir, captureFileName((options.now ?? (() => new Date()))())),
        });
  const trainingJobs = config.trainingJobs
    ? new TrainingJobManager({
        config: trainingJobsConfigOf(config),
        logger,
        ...(options.env === undefined ? {} : { env: options.env }),
        ...(options.cliEntry === undefined ? {} : { cliEntry: options.cliEntry }),
      })
    : undefined;
  const plugins: ServerPlugin[] = [
    conversationRoutes({
      config: conversationsConfigOf(config),
      ...(options.env === undefined ? {} : { processEnv: options.env }),
    }),
  ];
  if (trainingJobs !== undefined) plugins.push(trainingJobRoutes({ manager: trainingJobs }));
  const shutdownSteps: ShutdownStep[] = [];
  if (trainingJobs !== undefined)
    shutdownSteps.push({ name: 'training jobs', run: () => trainingJobs.shutdown() });
  shutdownSteps.push(
    {
      name: 'trajectory store',
      run: async () => {
        await trajectories.flush();
        await trajectories.close();
      },
    },
    { name: 'conversation store', run: () => conversations.close() },
    { name: 'backend', run: () => backend.close() },
  );
  return { backend, model, conversations, trajectories, trainingJobs, metrics, plugins, shutdownSteps };
}

/**
 * `conversations-<UTC time>-<pid>.jsonl`: one file per serving process (JSONL files take one writer),
 * named so that `export` reading the folder in name order reads the oldest first.
 */
export function captureFileName(startedAt: Date, pid: number = process.pid): string {
  const stamp = startedAt.toISOString().replace(/[:.]/g, '-');
  return `conversations-${stamp}-${pid}.jsonl`;
}
