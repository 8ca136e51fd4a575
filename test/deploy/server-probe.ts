// A real server for the deployment checks: buildServer with a given configuration and the
// deterministic echo backend (a ready model), asked over app.inject what a probe or scraper asks.

import { createLogger } from '../../src/observability/logger.js';
import { ServeConfigSchema, type ServeConfig } from '../../src/serving/serve-config.js';
import { buildServer } from '../../src/serving/server.js';
import type { StatesetServer } from '../../src/serving/server-options.js';
import { EchoBackend } from '../../src/serving/test-support/echo-backend.js';

/** A built server with a ready echo model and a silent logger; close it with `server.app.close()`. */
export async function buildProbeServer(
  config: ServeConfig = ServeConfigSchema.parse({}),
): Promise<StatesetServer> {
  return buildServer({ config, backend: new EchoBackend(), logger: createLogger({ level: 'silent' }) });
}

/** The status each GET `path` gets from a healthy server built with `config`. */
export async function probeStatuses(
  config: ServeConfig,
  paths: readonly string[],
): Promise<Record<string, number>> {
  const server = await buildProbeServer(config);
  try {
    const statuses: Record<string, number> = {};
    for (const path of paths)
      statuses[path] = (await server.app.inject({ method: 'GET', url: path })).statusCode;
    return statuses;
  } finally {
    await server.app.close();
  }
}

/** Problems for every path that does not answer 200 on a healthy server. */
export async function probePathProblems(
  config: ServeConfig,
  paths: readonly string[],
  where: string,
): Promise<string[]> {
  const statuses = await probeStatuses(config, paths);
  return Object.entries(statuses)
    .filter(([, status]) => status !== 200)
    .map(([path, status]) => `${where}: GET ${path} answers ${status} on a healthy server, not 200`);
}
