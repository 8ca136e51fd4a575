// Builds a server for tests: the echo backend by default, configuration from a partial input,
// and every JSON log line captured in `logs`.

import { Writable } from 'node:stream';
import { createLogger } from '../../observability/logger.js';
import { ServeConfigSchema } from '../serve-config.js';
import { buildServer } from '../server.js';
import type { BuildServerOptions, StatesetServer } from '../server-options.js';
import { EchoBackend } from './echo-backend.js';

/** Options of `buildTestServer`: `config` is schema input (defaults fill the rest). */
export type TestServerOptions = Omit<BuildServerOptions, 'config' | 'logger' | 'backend'> & {
  readonly config?: Record<string, unknown>;
  /** Defaults to a fresh EchoBackend; null builds a server without a backend. */
  readonly backend?: BuildServerOptions['backend'] | null;
};

/** A built test server, its backend and its parsed log lines. */
export type TestServer = StatesetServer & {
  readonly backend: BuildServerOptions['backend'];
  readonly logs: Record<string, unknown>[];
};

/** A server with captured logs at debug level. */
export async function buildTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const logs: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      for (const line of chunk.toString('utf8').split('\n')) if (line !== '') logs.push(JSON.parse(line));
      callback();
    },
  });
  const { backend: given, config, ...rest } = options;
  const backend = given === null ? undefined : (given ?? new EchoBackend());
  const server = await buildServer({
    ...rest,
    config: ServeConfigSchema.parse({ ...config }),
    logger: createLogger({ level: 'debug', destination }),
    ...(backend === undefined ? {} : { backend }),
  });
  return Object.assign(server, { backend, logs });
}
