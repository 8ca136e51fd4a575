// `stateset-agents serve`: the agent behind an OpenAI-compatible HTTP API, with conversations, capture,
// training jobs, health, readiness and metrics, until SIGTERM or SIGINT shuts it down gracefully.

import { StatesetError } from '../../errors.js';
import { ServingStackConfigSchema, type ServingStackConfig } from '../../serving/serving-stack-config.js';
import { startServer } from '../../serving/start-server.js';
import { BINARY_NAME } from '../help.js';
import { defineCommand } from '../command.js';

/**
 * The `serve` command. With no model configured it serves the newest checkpoint under `runsDir`; with
 * none there it still starts, `/readyz` says why and chat answers 503 `model_unavailable`. After a
 * signal the process exits with the shutdown's code (0 when everything closed).
 */
export const serveCommand = defineCommand({
  name: 'serve',
  summary: 'Serve the agent over an OpenAI-compatible HTTP API (conversations, training jobs, metrics).',
  schema: ServingStackConfigSchema,
  run: async (config, io) => {
    const running = await startServer({ config, env: { ...io.env } });
    io.stdout.write(banner(running.url, running.stack.model.source, running.stack.backend.modelId, config));
    void running.stack.model.whenLoaded().then(({ ready, detail }) => {
      io.stdout.write(ready ? `model ready: ${detail}\n` : `model not ready: ${detail}\n`);
    });
    const report = await running.shutdown.whenDone();
    if (report.exitCode !== 0)
      throw new StatesetError('internal_error', `shutdown failed to close: ${report.failed.join(', ')}`);
  },
});

function banner(url: string, source: string, modelId: string, config: ServingStackConfig): string {
  const keyed = config.apiKeys !== '' || config.apiKeyHashes.length > 0;
  const auth = keyed ? ` -H "authorization: Bearer $STATESET_KEY"` : '';
  const body = JSON.stringify({ model: modelId, messages: [{ role: 'user', content: 'Hello' }] });
  return [
    `${BINARY_NAME} serve: listening on ${url}`,
    `  model:   ${modelId}, from ${source}${config.upstreamBaseUrl === '' ? ' (loading)' : ''}`,
    `  keys:    ${keyed ? 'required (Authorization: Bearer <key>)' : 'none configured: every caller has every scope'}`,
    `  try:     curl ${url}/v1/chat/completions -H "content-type: application/json"${auth} -d '${body}'`,
    `  openai:  new OpenAI({ baseURL: "${url}/v1", apiKey: "<key>" })`,
    `  routes:  /v1/chat/completions /v1/models /v1/conversations${config.trainingJobs ? ' /v1/training/jobs' : ''} /healthz /readyz /metrics`,
    `  stop:    SIGTERM or Ctrl-C drains in-flight requests (up to ${config.shutdownDeadlineMs} ms), then exits`,
    '',
  ].join('\n');
}
