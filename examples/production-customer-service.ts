// The production example: the retail customer-service agent (τ-bench retail world, its tools executed
// server-side) behind the OpenAI-compatible API, with every production pattern of the server turned on.
//   npm run build && node dist/examples/production-customer-service.js
// Settings below; any of them, and every other server setting, can be overridden by its STATESET_*
// variable (STATESET_PORT, STATESET_UPSTREAM_BASE_URL, STATESET_REDIS_URL, STATESET_API_KEYS, …).

import { randomBytes } from 'node:crypto';
import { realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import {
  ConfigError,
  ServingStackConfigSchema,
  describeFields,
  envName,
  findRetailDataDir,
  resolveConfig,
  startServer,
  type RunningServer,
  type ServingStackConfig,
  type StartServerOptions,
} from '../src/index.js';

const PREFIX = 'STATESET_';

/** The example's choices where they differ from the server's defaults. */
export const PRODUCTION_SETTINGS = {
  // Security: per-key rate limits (token bucket, 429 with Retry-After) and tighter request limits.
  rateLimitPerMinute: 120,
  rateLimitBurst: 20,
  maxTokensLimit: 1024,
  // Resilience around the model: a time limit, retries with backoff and jitter, a circuit breaker,
  // a fallback reply while it is open, and a concurrency limit that sheds load with 503 + Retry-After.
  timeoutMs: 30_000,
  retries: 2,
  breakerFailureThreshold: 5,
  breakerResetTimeoutMs: 15_000,
  breakerHalfOpenMaxCalls: 1,
  maxConcurrent: 4,
  fallbackMessage: "I'm sorry, I can't reach our order system right now. Please try again in a minute.",
  // Conversations and their capture for training (`stateset-agents export trajectories/customer-service`).
  maxConversationTurns: 30,
  maxToolRounds: 6,
  trajectoriesDir: 'trajectories/customer-service',
  // Operations: time to drain on SIGTERM, and one training job at a time.
  shutdownDeadlineMs: 20_000,
  trainingJobs: true,
  maxRunningJobs: 1,
} as const satisfies Partial<ServingStackConfig>;

/** API keys the example made up because none were configured, one per scope. */
export type GeneratedKeys = { readonly chat: string; readonly train: string; readonly admin: string };

/** The configuration and, when STATESET_API_KEYS gave none, the keys generated for this run. */
export type CustomerServiceConfig = {
  readonly config: ServingStackConfig;
  readonly generatedKeys: GeneratedKeys | undefined;
};

/**
 * Server defaults < PRODUCTION_SETTINGS < STATESET_* variables. Conversations go to Redis when
 * STATESET_REDIS_URL is set (replicas share them), else memory. Throws ConfigError for a bad value.
 */
export function customerServiceConfig(env: NodeJS.ProcessEnv): CustomerServiceConfig {
  const resolved = resolveConfig({ schema: ServingStackConfigSchema, env, envPrefix: PREFIX });
  if (!resolved.ok) throw resolved.error;
  const setByEnv = new Set(
    describeFields(ServingStackConfigSchema)
      .filter((field) => (env[envName(PREFIX, field.key)] ?? '') !== '')
      .map((field) => field.key),
  );
  const settings: Record<string, unknown> = {
    ...PRODUCTION_SETTINGS,
    store: (env.STATESET_REDIS_URL ?? '') === '' ? 'memory' : 'redis',
  };
  const chosen = Object.fromEntries(Object.entries(settings).filter(([key]) => !setByEnv.has(key)));
  const keyless = resolved.value.apiKeys === '' && resolved.value.apiKeyHashes.length === 0;
  const generatedKeys = keyless ? generateKeys() : undefined;
  if (generatedKeys !== undefined) {
    chosen.apiKeys = `app:${generatedKeys.chat}:chat,trainer:${generatedKeys.train}:train,ops:${generatedKeys.admin}:admin`;
  }
  return { config: ServingStackConfigSchema.parse({ ...resolved.value, ...chosen }), generatedKeys };
}

/** Options of `startCustomerService`: where settings come from, and the process hooks (tests). */
export type CustomerServiceOptions = Pick<
  StartServerOptions,
  'logger' | 'handleSignals' | 'signalSource' | 'exit'
> & { readonly env?: NodeJS.ProcessEnv };

/**
 * Checks the retail data is there (fail fast, before listening), then starts the server. Throws
 * ConfigError when the data or a setting is missing or wrong.
 */
export async function startCustomerService(
  options: CustomerServiceOptions = {},
): Promise<RunningServer & CustomerServiceConfig> {
  const env = options.env ?? process.env;
  const { config, generatedKeys } = customerServiceConfig(env);
  if (config.retailData === '' && findRetailDataDir({ root: process.cwd(), env }) === undefined) {
    throw new ConfigError(
      'invalid_config',
      'the retail world needs τ-bench retail data: set STATESET_TAU_RETAIL (or STATESET_RETAIL_DATA) to its folder',
    );
  }
  const { env: _unused, ...rest } = options;
  const running = await startServer({ ...rest, config, env });
  return { ...running, config, generatedKeys };
}

/** What the example prints once it listens: where, which keys, and a first retail conversation. */
export function usage(running: RunningServer & CustomerServiceConfig): string {
  const key = running.generatedKeys?.chat ?? '<a key with the chat scope>';
  const lines = [`customer service: listening on ${running.url}, model from ${running.stack.model.source}`];
  if (running.generatedKeys !== undefined) {
    const { chat, train, admin } = running.generatedKeys;
    lines.push(`keys (generated for this run; set STATESET_API_KEYS to choose your own):`);
    lines.push(`  chat  app:${chat}`, `  train trainer:${train}`, `  admin ops:${admin}`);
  }
  lines.push(
    'start a conversation with the retail agent:',
    `  curl ${running.url}/v1/conversations -H "authorization: Bearer ${key}" -H "content-type: application/json" \\`,
    `    -d '{"environment":"retail","message":"Hi, where is my order #W5918442?"}'`,
    `metrics: ${running.url}/metrics   readiness: ${running.url}/readyz   stop: SIGTERM or Ctrl-C`,
    '',
  );
  return lines.join('\n');
}

function generateKeys(): GeneratedKeys {
  const key = () => `sk-${randomBytes(24).toString('hex')}`;
  return { chat: key(), train: key(), admin: key() };
}

function invokedDirectly(): boolean {
  const script = process.argv[1];
  if (script === undefined) return false;
  try {
    return import.meta.url === pathToFileURL(realpathSync(script)).href;
  } catch {
    return false;
  }
}

if (invokedDirectly()) {
  try {
    const running = await startCustomerService();
    process.stdout.write(usage(running));
    void running.stack.model.whenLoaded().then(({ ready, detail }) => {
      process.stdout.write(ready ? `model ready: ${detail}\n` : `model not ready: ${detail}\n`);
    });
  } catch (error) {
    process.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  }
}
