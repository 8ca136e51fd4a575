// The routes a real serving process answers: buildServer with the plugins createServingStack gives
// `serve` (conversations, training jobs), listed as Fastify prints them.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '../../src/observability/logger.js';
import { createServingStack } from '../../src/serving/create-serving-stack.js';
import { buildServer } from '../../src/serving/server.js';
import { ServingStackConfigSchema } from '../../src/serving/serving-stack-config.js';

/** One route: method and path template (`/v1/conversations/:id`). */
export type ServedRoute = { readonly method: string; readonly path: string };

/** Every route (HEAD left out) of a serving process with the default configuration. */
export async function servingRoutes(): Promise<ServedRoute[]> {
  const dir = mkdtempSync(join(tmpdir(), 'stateset-routes-'));
  const logger = createLogger({ level: 'silent' });
  const config = ServingStackConfigSchema.parse({
    runsDir: join(dir, 'runs'),
    trajectoriesDir: join(dir, 'trajectories'),
    trainingJobsDir: join(dir, 'jobs'),
  });
  const stack = createServingStack({ config, logger });
  const server = await buildServer({
    config,
    logger,
    backend: stack.backend,
    conversations: stack.conversations,
    trajectories: stack.trajectories,
    metrics: stack.metrics,
    plugins: stack.plugins,
  });
  try {
    return parsePrintedRoutes(server.app.printRoutes({ commonPrefix: false }));
  } finally {
    await server.app.close();
    for (const step of stack.shutdownSteps) await step.run();
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Reads Fastify's printRoutes tree: `├── /v1/models (GET, HEAD)`, where a deeper line (four more
 * characters of indent) continues the path of the line above it at the shallower depth.
 */
export function parsePrintedRoutes(printed: string): ServedRoute[] {
  const routes: ServedRoute[] = [];
  const parents: string[] = [];
  for (const line of printed.split('\n')) {
    const match = /^(.*?)[├└]── (\S+)(?: \(([A-Z, ]+)\))?/.exec(line);
    if (match === null) continue;
    const depth = [...match[1]].length / 4;
    const path = (depth === 0 ? '' : parents[depth - 1]) + match[2];
    parents[depth] = path;
    for (const method of (match[3] ?? '').split(', ').filter((entry) => entry !== '')) {
      if (method !== 'HEAD') routes.push({ method, path });
    }
  }
  return routes;
}
