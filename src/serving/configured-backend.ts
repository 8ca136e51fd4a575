// The chat backend a configuration names: an upstream OpenAI-compatible endpoint, a checkpoint, or the
// newest checkpoint under the runs folder; always wrapped in the resilience layer, its hooks on metrics.

import { ConfigError } from '../errors.js';
import type { Logger } from '../observability/logger.js';
import { LocalChatBackend } from './backends/local-chat-backend.js';
import { UpstreamChatBackend } from './backends/upstream-chat-backend.js';
import type { ChatBackend } from './chat-backend.js';
import { ResilientChatBackend } from './resilience/resilient-chat-backend.js';
import { resilienceMetricHooks } from './resilience-metrics.js';
import type { ServeConfig } from './serve-config.js';
import type { ServerMetrics } from './server-metrics.js';

/** Options of `createConfiguredBackend`. */
export type ConfiguredBackendOptions = {
  readonly config: ServeConfig;
  readonly metrics: ServerMetrics;
  readonly logger: Logger;
};

/** The backend to serve, and what it serves in words. */
export type ConfiguredBackend = {
  readonly backend: ResilientChatBackend;
  /** E.g. `upstream http://host/v1 (model m)` or `the newest checkpoint under runs`. */
  readonly source: string;
  /**
   * Resolves once the model has loaded or failed to: the checkpoint it serves, or why it cannot serve
   * (an upstream is ready at once).
   */
  whenLoaded(): Promise<{ readonly ready: boolean; readonly detail: string }>;
};

/**
 * Builds the backend: `upstreamBaseUrl` (with `upstreamModel`), else `checkpoint`, else the newest
 * checkpoint under `runsDir` (the server starts without one and says so on /readyz). Throws
 * ConfigError('invalid_config') when both an upstream and a checkpoint are given, or an upstream without a model.
 */
export function createConfiguredBackend(options: ConfiguredBackendOptions): ConfiguredBackend {
  const { config } = options;
  const upstream = config.upstreamBaseUrl !== '';
  if (upstream && config.checkpoint !== '')
    throw new ConfigError('invalid_config', 'give either upstreamBaseUrl or checkpoint, not both');
  if (upstream && config.upstreamModel === '')
    throw new ConfigError('invalid_config', 'upstreamBaseUrl needs upstreamModel: the model name to send');
  let inner: ChatBackend;
  let source: string;
  let whenLoaded: ConfiguredBackend['whenLoaded'];
  if (upstream) {
    inner = new UpstreamChatBackend({
      baseURL: config.upstreamBaseUrl,
      model: config.upstreamModel,
      ...(config.upstreamApiKey === '' ? {} : { apiKey: config.upstreamApiKey }),
    });
    source = `upstream ${config.upstreamBaseUrl} (model ${config.upstreamModel})`;
    whenLoaded = async () => ({ ready: true, detail: source });
  } else {
    const local = new LocalChatBackend({
      source: config.checkpoint === '' ? { runsDir: config.runsDir } : { checkpoint: config.checkpoint },
    });
    inner = local;
    source =
      config.checkpoint === ''
        ? `the newest checkpoint under ${config.runsDir}`
        : `checkpoint ${config.checkpoint}`;
    whenLoaded = async () => {
      const readiness = await local.whenLoaded();
      return readiness.ready
        ? { ready: true, detail: `checkpoint ${local.checkpoint ?? config.checkpoint}` }
        : { ready: false, detail: readiness.reason };
    };
  }
  const backend = new ResilientChatBackend({
    backend: inner,
    attemptTimeoutMs: config.timeoutMs,
    totalTimeoutMs: config.timeoutMs,
    retry: { maxRetries: config.retries },
    breaker: {
      failureThreshold: config.breakerFailureThreshold,
      resetTimeoutMs: config.breakerResetTimeoutMs,
      halfOpenMaxCalls: config.breakerHalfOpenMaxCalls,
    },
    concurrency: { maxConcurrent: config.maxConcurrent },
    fallbackMessage: config.fallbackMessage,
    hooks: resilienceMetricHooks({
      metrics: options.metrics,
      logger: options.logger,
      backend: inner.modelId,
    }),
  });
  return { backend, source, whenLoaded };
}
