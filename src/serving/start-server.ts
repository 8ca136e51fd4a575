// Starts a serving process from its configuration: logs the configuration (secrets redacted), builds
// the stack and the server, installs graceful shutdown and listens. `serve` and the examples use it.

import type { AddressInfo } from 'node:net';
import { ConfigError } from '../errors.js';
import { createLogger, type Logger } from '../observability/logger.js';
import { createServingStack, type ServingStack } from './create-serving-stack.js';
import { GracefulShutdown, type SignalSource } from './graceful-shutdown.js';
import { redactServeConfig } from './serve-config.js';
import type { ServerPlugin } from './server-deps.js';
import type { StatesetServer } from './server-options.js';
import { buildServer } from './server.js';
import type { ServingStackConfig } from './serving-stack-config.js';

/** Options of `startServer`. */
export type StartServerOptions = {
  readonly config: ServingStackConfig;
  /** Defaults to JSON lines on stderr at `config.logLevel`. */
  readonly logger?: Logger;
  /** Retail data location and training workers' environment; default `process.env`. */
  readonly env?: NodeJS.ProcessEnv;
  /** The compiled CLI that training workers run. */
  readonly cliEntry?: string;
  /** Route modules added after the stack's own. */
  readonly plugins?: readonly ServerPlugin[];
  /** Handle SIGTERM/SIGINT (then exit the process); default true. */
  readonly handleSignals?: boolean;
  /** Signals' origin and the exit after them (tests); default `process` and `process.exit`. */
  readonly signalSource?: SignalSource;
  readonly exit?: (code: number) => void;
};

/** A server that listens, with its parts and its shutdown. */
export type RunningServer = {
  readonly server: StatesetServer;
  readonly stack: ServingStack;
  readonly shutdown: GracefulShutdown;
  /** `http://host:port` as bound (the real port when `config.port` was 0). */
  readonly url: string;
  readonly logger: Logger;
};

/**
 * Starts listening on `config.host:config.port`. Throws ConfigError('invalid_config') when the model
 * configuration contradicts itself or the address cannot be bound (the parts built so far are closed).
 */
export async function startServer(options: StartServerOptions): Promise<RunningServer> {
  const { config } = options;
  const logger = options.logger ?? createLogger({ level: config.logLevel, name: 'stateset-serve' });
  logger.info({ config: redactServeConfig(config) }, 'serving configuration');
  const stack = createServingStack({
    config,
    logger,
    ...(options.env === undefined ? {} : { env: options.env }),
    ...(options.cliEntry === undefined ? {} : { cliEntry: options.cliEntry }),
  });
  let server: StatesetServer | undefined;
  try {
    server = await buildServer({
      config,
      backend: stack.backend,
      conversations: stack.conversations,
      trajectories: stack.trajectories,
      logger,
      metrics: stack.metrics,
      plugins: [...stack.plugins, ...(options.plugins ?? [])],
    });
    const shutdown = new GracefulShutdown({
      server,
      deadlineMs: config.shutdownDeadlineMs,
      logger,
      steps: stack.shutdownSteps,
      ...(options.signalSource === undefined ? {} : { signalSource: options.signalSource }),
      ...(options.exit === undefined ? {} : { exit: options.exit }),
    });
    await listen(server, config);
    if (options.handleSignals ?? true) shutdown.install();
    const url = boundUrl(server.app.server.address() as AddressInfo);
    logger.info({ url, model: stack.model.source }, 'listening');
    return { server, stack, shutdown, url, logger };
  } catch (error) {
    await server?.app.close();
    for (const step of stack.shutdownSteps) await Promise.resolve(step.run()).catch(() => undefined);
    throw error;
  }
}

async function listen(server: StatesetServer, config: ServingStackConfig): Promise<void> {
  try {
    await server.app.listen({ port: config.port, host: config.host });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new ConfigError('invalid_config', `cannot listen on ${config.host}:${config.port}: ${reason}`, {
      cause: error,
    });
  }
}

/** The URL a client on this machine would use: wildcard hosts become loopback. */
function boundUrl(address: AddressInfo): string {
  const wildcard = address.address === '0.0.0.0' || address.address === '::';
  const host = wildcard
    ? '127.0.0.1'
    : address.address.includes(':')
      ? `[${address.address}]`
      : address.address;
  return `http://${host}:${address.port}`;
}
