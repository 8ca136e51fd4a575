// The chat backend a configuration names: an upstream OpenAI-compatible endpoint, a checkpoint, a
// Hugging Face model directory (with a LoRA adapter), or the newest checkpoint under the runs folder;
// always wrapped in the resilience layer, its hooks on metrics.

import { basename, resolve } from 'node:path';
import { ConfigError } from '../errors.js';
import type { Logger } from '../observability/logger.js';
import { LocalChatBackend } from './backends/local-chat-backend.js';
import type { LocalModelSource } from './backends/local-model-loader.js';
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
  /** E.g. `upstream http://host/v1 (model m)`, `model directory models/SmolLM2` or `the newest checkpoint under runs`. */
  readonly source: string;
  /**
   * Resolves once the model has loaded or failed to: the checkpoint it serves, or why it cannot serve
   * (an upstream is ready at once).
   */
  whenLoaded(): Promise<{ readonly ready: boolean; readonly detail: string }>;
};

/**
 * Builds the backend: `upstreamBaseUrl` (with `upstreamModel`), else `checkpoint`, else `model` (with
 * `adapter`), else the newest checkpoint under `runsDir` (the server starts without one and says so on
 * /readyz). A local model is listed as `modelId`, else the model directory's name, else stateset-local.
 * Throws ConfigError('invalid_config') for a contradictory configuration (`checkModelSource`).
 */
export function createConfiguredBackend(options: ConfiguredBackendOptions): ConfiguredBackend {
  const { config } = options;
  checkModelSource(config);
  const upstream = config.upstreamBaseUrl !== '';
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
    const local = new LocalChatBackend({ source: localSource(config), modelId: localModelId(config) });
    inner = local;
    source = localSourceText(config);
    whenLoaded = async () => {
      const readiness = await local.whenLoaded();
      return readiness.ready
        ? { ready: true, detail: local.served ?? source }
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

/**
 * Refuses what cannot be served as configured: an upstream with a local model (checkpoint, model,
 * adapter or modelId) or without upstreamModel, a checkpoint with a model directory, an adapter without one.
 */
export function checkModelSource(config: ServeConfig): void {
  const refuse = (message: string) => {
    throw new ConfigError('invalid_config', message);
  };
  if (config.upstreamBaseUrl !== '') {
    for (const field of ['checkpoint', 'model', 'adapter', 'modelId'] as const) {
      if (config[field] !== '')
        refuse(`give either upstreamBaseUrl or ${field}, not both (an upstream serves upstreamModel)`);
    }
    if (config.upstreamModel === '') refuse('upstreamBaseUrl needs upstreamModel: the model name to send');
  }
  if (config.checkpoint !== '' && config.model !== '')
    refuse(
      'give either checkpoint (a stateset-agents checkpoint) or model (a Hugging Face directory), not both',
    );
  if (config.adapter !== '' && config.model === '')
    refuse('adapter needs model: the Hugging Face directory the adapter was trained on');
}

function localSource(config: ServeConfig): LocalModelSource {
  if (config.checkpoint !== '') return { checkpoint: config.checkpoint };
  if (config.model === '') return { runsDir: config.runsDir };
  return { modelDir: config.model, ...(config.adapter === '' ? {} : { adapterDir: config.adapter }) };
}

function localSourceText(config: ServeConfig): string {
  if (config.checkpoint !== '') return `checkpoint ${config.checkpoint}`;
  if (config.model === '') return `the newest checkpoint under ${config.runsDir}`;
  return `model directory ${config.model}${config.adapter === '' ? '' : ` with adapter ${config.adapter}`}`;
}

function localModelId(config: ServeConfig): string {
  if (config.modelId !== '') return config.modelId;
  return config.model === '' ? 'stateset-local' : basename(resolve(config.model));
}
