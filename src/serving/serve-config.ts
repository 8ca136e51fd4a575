// The configuration of `stateset-agents serve`: one flat zod schema drives flags, the config file,
// STATESET_* variables and help (see src/config/). Unknown keys are errors.

import { z } from 'zod';
import { LOG_LEVELS } from '../observability/logger.js';
import { SCOPES } from './principal.js';

const count = (min: number) => z.number().int().min(min);

/** One configured API key, stored only as the SHA-256 of the key. */
export const ApiKeyHashSchema = z.strictObject({
  id: z.string().min(1).max(64).describe('Name of the key in logs and metrics (never the key itself).'),
  sha256: z
    .string()
    .regex(/^[0-9a-f]{64}$/, 'must be 64 lowercase hex digits')
    .describe('Hex SHA-256 of the key (see hashApiKey).'),
  scopes: z.array(z.enum(SCOPES)).min(1).describe('What the key may do: chat, train, admin (all).'),
});

/** A configured API key hash. */
export type ApiKeyHash = z.output<typeof ApiKeyHashSchema>;

/** Every setting of the server. */
export const ServeConfigSchema = z.strictObject({
  port: count(0).max(65_535).default(8000).describe('TCP port to listen on; 0 picks a free one.'),
  host: z.string().min(1).default('127.0.0.1').describe('Interface to listen on; 0.0.0.0 for all.'),
  checkpoint: z
    .string()
    .default('')
    .describe('Checkpoint to serve; empty (and no upstream): the latest one under runsDir.'),
  model: z
    .string()
    .default('')
    .describe(
      'A Hugging Face Llama-family model directory to serve through its chat template, instead of a checkpoint.',
    ),
  adapter: z
    .string()
    .default('')
    .describe('A saved PEFT LoRA adapter folder (adapter_config.json) to serve on the model weights.'),
  modelId: z
    .string()
    .default('')
    .describe(
      "Model name /v1/models lists for a local model; empty: the model directory's name, else stateset-local.",
    ),
  upstreamBaseUrl: z
    .string()
    .default('')
    .describe(
      'Proxy chat to this OpenAI-compatible base URL (e.g. http://host:8001/v1) instead of a checkpoint.',
    ),
  upstreamModel: z.string().default('').describe('Model name sent to the upstream endpoint.'),
  upstreamApiKey: z
    .string()
    .default('')
    .describe('Bearer key for the upstream endpoint; prefer STATESET_UPSTREAM_API_KEY over a file.'),
  runsDir: z.string().min(1).default('runs').describe('Folder that holds run folders and their checkpoints.'),
  apiKeys: z
    .string()
    .default('')
    .describe(
      'Raw keys "id:key:scope+scope,…", hashed at load (set through STATESET_API_KEYS); with no keys at all, anyone may call.',
    ),
  apiKeyHashes: z
    .array(ApiKeyHashSchema)
    .default([])
    .describe('Keys as JSON [{ "id", "sha256", "scopes" }]: the SHA-256 of each key, never the key.'),
  rateLimitPerMinute: count(0)
    .default(600)
    .describe('Requests per minute per key (token bucket); 0: no limit.'),
  rateLimitBurst: count(1).default(60).describe('Requests a key may send at once before the rate applies.'),
  bodyLimitBytes: count(1024).default(1_048_576).describe('Largest request body, in bytes (413 beyond).'),
  maxMessages: count(1).default(256).describe('Most messages in one chat request.'),
  maxMessageChars: count(1).default(65_536).describe('Longest message content, in characters.'),
  maxTools: count(0).default(64).describe('Most tools in one chat request.'),
  maxTokensLimit: count(1).default(4096).describe('Largest max_tokens a request may ask for.'),
  maxJsonDepth: count(2).default(32).describe('Deepest nesting of a JSON body (checked before parsing).'),
  timeoutMs: count(1).default(60_000).describe('Time limit of one backend call, retries included.'),
  retries: count(0)
    .default(2)
    .describe('Retries of a retryable backend failure (exponential backoff, jitter).'),
  breakerFailureThreshold: count(1)
    .default(5)
    .describe('Consecutive backend failures that open the circuit breaker.'),
  breakerResetTimeoutMs: count(1)
    .default(30_000)
    .describe('Time an open breaker waits before letting trial calls through (half-open).'),
  breakerHalfOpenMaxCalls: count(1).default(1).describe('Trial calls allowed at once while half-open.'),
  maxConcurrent: count(1)
    .default(8)
    .describe('Backend calls in flight at once; more answer 503 with Retry-After.'),
  fallbackMessage: z
    .string()
    .default("I'm having trouble answering right now. Please try again in a moment.")
    .describe('Reply served while the breaker is open (graceful degradation); empty: answer 503 instead.'),
  store: z
    .enum(['memory', 'redis'])
    .default('memory')
    .describe('Where conversations live; redis to share replicas.'),
  redisUrl: z.string().default('redis://127.0.0.1:6379').describe('Redis URL when store is redis.'),
  conversationTtlSeconds: count(1).default(86_400).describe('Idle time after which a conversation expires.'),
  trajectoriesDir: z
    .string()
    .min(1)
    .default('trajectories')
    .describe('Folder of the JSONL files finished conversations are captured to.'),
  shutdownDeadlineMs: count(0)
    .default(10_000)
    .describe('On SIGTERM/SIGINT, how long in-flight requests may take to finish.'),
  trustProxy: z
    .boolean()
    .default(false)
    .describe('Trust X-Forwarded-* headers (behind a load balancer) for client addresses.'),
  logLevel: z.enum(LOG_LEVELS).default('info').describe('Minimum level of the JSON log lines.'),
});

/** A resolved server configuration. */
export type ServeConfig = z.output<typeof ServeConfigSchema>;

/** The configuration with secrets replaced, fit for the start-of-run log line. */
export function redactServeConfig(config: ServeConfig): ServeConfig {
  const hidden = (value: string) => (value === '' ? '' : '[redacted]');
  return { ...config, apiKeys: hidden(config.apiKeys), upstreamApiKey: hidden(config.upstreamApiKey) };
}
