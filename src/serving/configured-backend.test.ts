// Which backend a serving configuration builds, the name it serves under, and the contradictory model
// configurations refused before anything loads.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../errors.js';
import { createLogger } from '../observability/logger.js';
import { createConfiguredBackend } from './configured-backend.js';
import { ServeConfigSchema } from './serve-config.js';
import { createServerMetrics } from './server-metrics.js';

const folder = mkdtempSync(join(tmpdir(), 'configured-backend-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

const configured = (input: Record<string, unknown>) =>
  createConfiguredBackend({
    config: ServeConfigSchema.parse({ runsDir: join(folder, 'runs'), ...input }),
    metrics: createServerMetrics(),
    logger: createLogger({ level: 'silent' }),
  });

describe('createConfiguredBackend: a Hugging Face model directory', () => {
  it("serves under the directory's name, or modelId, and says why a directory that is not there cannot serve", async () => {
    const missing = join(folder, 'models', 'SmolLM2-135M-Instruct');
    const byName = configured({ model: `${missing}/`, adapter: join(folder, 'adapter') });
    expect(byName.backend.modelId).toBe('SmolLM2-135M-Instruct');
    expect(byName.source).toBe(`model directory ${missing}/ with adapter ${join(folder, 'adapter')}`);
    const loaded = await byName.whenLoaded();
    expect(loaded.ready).toBe(false);
    expect(loaded.detail).toContain(
      `model directory ${missing}/ with adapter ${join(folder, 'adapter')} did not load:`,
    );
    await expect(
      byName.backend.complete({ messages: [{ role: 'user', content: 'hi' }], sampling: {} }),
    ).rejects.toMatchObject({ code: 'model_unavailable' });

    const renamed = configured({ model: missing, modelId: 'support-bot' });
    expect(renamed.backend.modelId).toBe('support-bot');
    expect(renamed.source).toBe(`model directory ${missing}`);
    const checkpoint = configured({ checkpoint: join(folder, 'none.safetensors') });
    expect(checkpoint.backend.modelId).toBe('stateset-local');
    await Promise.all([byName, renamed, checkpoint].map((each) => each.backend.close()));
  });

  it.each([
    [
      { checkpoint: 'a.safetensors', model: 'models/m' },
      'give either checkpoint (a stateset-agents checkpoint) or model (a Hugging Face directory), not both',
    ],
    [
      { upstreamBaseUrl: 'http://127.0.0.1:9/v1', upstreamModel: 'm', model: 'models/m' },
      'give either upstreamBaseUrl or model, not both',
    ],
    [
      { upstreamBaseUrl: 'http://127.0.0.1:9/v1', upstreamModel: 'm', adapter: 'adapter' },
      'give either upstreamBaseUrl or adapter, not both',
    ],
    [
      { upstreamBaseUrl: 'http://127.0.0.1:9/v1', upstreamModel: 'm', modelId: 'x' },
      'give either upstreamBaseUrl or modelId, not both',
    ],
    [{ adapter: 'adapter' }, 'adapter needs model: the Hugging Face directory the adapter was trained on'],
    [{ checkpoint: 'a.safetensors', adapter: 'adapter' }, 'adapter needs model'],
  ])('refuses %j', (input, message) => {
    expect(() => configured(input)).toThrow(ConfigError);
    expect(() => configured(input)).toThrow(message);
  });
});
