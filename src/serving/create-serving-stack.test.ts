// What a serving configuration turns into: which stores (memory or a real Redis, JSONL file or Redis
// list), which routes, which model source, and the contradictions that are refused before anything opens.

import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../errors.js';
import { createLogger } from '../observability/logger.js';
import { assertDocumented } from '../config/schema-fields.js';
import { captureFileName, createServingStack, type ServingStack } from './create-serving-stack.js';
import {
  ServingStackConfigSchema,
  conversationsConfigOf,
  trainingJobsConfigOf,
} from './serving-stack-config.js';
import { MemoryConversationStore } from './stores/memory-conversation-store.js';
import { JsonlTrajectoryStore } from './stores/jsonl-trajectory-store.js';
import { RedisConversationStore } from './stores/redis-conversation-store.js';
import { RedisTrajectoryStore } from './stores/redis-trajectory-store.js';
import { RedisTestServer } from './stores/test-support/redis-server.js';
import { sampleCapture } from './stores/test-support/sample-capture.js';

const logger = createLogger({ level: 'silent' });
let folder: string;
let redis: RedisTestServer;

beforeAll(async () => {
  folder = mkdtempSync(join(tmpdir(), 'serving-stack-'));
  redis = await RedisTestServer.launch();
});

afterAll(async () => {
  await redis?.close();
  rmSync(folder, { recursive: true, force: true });
});

const stackFor = (input: Record<string, unknown>) =>
  createServingStack({
    config: ServingStackConfigSchema.parse({ runsDir: join(folder, 'runs'), ...input }),
    logger,
    now: () => new Date('2026-03-01T12:34:56.789Z'),
  });

async function closeAll(stack: ServingStack): Promise<string[]> {
  const closed: string[] = [];
  for (const step of stack.shutdownSteps) {
    await step.run();
    closed.push(step.name);
  }
  return closed;
}

describe('createServingStack', () => {
  it('defaults to memory conversations, a JSONL capture file of this process, training jobs, the newest checkpoint', async () => {
    const trajectoriesDir = join(folder, 'captured');
    const stack = stackFor({ trajectoriesDir });
    expect(stack.conversations).toBeInstanceOf(MemoryConversationStore);
    expect(stack.trajectories).toBeInstanceOf(JsonlTrajectoryStore);
    const file = join(trajectoriesDir, `conversations-2026-03-01T12-34-56-789Z-${process.pid}.jsonl`);
    expect((stack.trajectories as JsonlTrajectoryStore).path).toBe(file);
    expect(stack.model.source).toBe(`the newest checkpoint under ${join(folder, 'runs')}`);
    expect(await stack.model.whenLoaded()).toEqual({
      ready: false,
      detail: expect.stringContaining(`no checkpoint under ${join(folder, 'runs')}`),
    });
    expect(stack.trainingJobs).toBeDefined();
    expect(stack.plugins).toHaveLength(2);

    await stack.trajectories.append(sampleCapture({ id: 'W1' }));
    expect(await closeAll(stack)).toEqual([
      'training jobs',
      'trajectory store',
      'conversation store',
      'backend',
    ]);
    expect(readdirSync(trajectoriesDir)).toEqual([captureFileName(new Date('2026-03-01T12:34:56.789Z'))]);
  });

  it('keeps conversations and captures in a real Redis when configured, with no training routes', async () => {
    const key = `stack:${process.pid}:captures`;
    const stack = stackFor({
      store: 'redis',
      trajectoryStore: 'redis',
      redisUrl: redis.url,
      trajectoryKey: key,
      trainingJobs: false,
      trajectoriesDir: join(folder, 'unused'),
    });
    expect(stack.conversations).toBeInstanceOf(RedisConversationStore);
    expect(stack.trajectories).toBeInstanceOf(RedisTrajectoryStore);
    expect(stack.trainingJobs).toBeUndefined();
    expect(stack.plugins).toHaveLength(1);
    await stack.conversations.ping();
    await stack.trajectories.append(sampleCapture({ id: 'W2' }));

    const reader = new RedisTrajectoryStore({ url: redis.url, key });
    const read = [];
    for await (const record of reader.read()) read.push(record.trajectory.id);
    await reader.close();
    expect(read).toHaveLength(1);
    expect(await closeAll(stack)).toEqual(['trajectory store', 'conversation store', 'backend']);
    expect(existsSync(join(folder, 'unused'))).toBe(false);
  });

  it('serves an upstream endpoint when one is configured', async () => {
    const stack = stackFor({
      upstreamBaseUrl: 'http://127.0.0.1:9/v1',
      upstreamModel: 'big',
      trainingJobs: false,
    });
    expect(stack.backend.modelId).toBe('big');
    expect(stack.model.source).toBe('upstream http://127.0.0.1:9/v1 (model big)');
    expect(await stack.model.whenLoaded()).toEqual({ ready: true, detail: stack.model.source });
    await closeAll(stack);
  });

  it('refuses a contradictory model configuration', () => {
    const both = {
      upstreamBaseUrl: 'http://127.0.0.1:9/v1',
      upstreamModel: 'm',
      checkpoint: 'x.safetensors',
    };
    expect(() => stackFor(both)).toThrow(ConfigError);
    expect(() => stackFor(both)).toThrow('give either upstreamBaseUrl or checkpoint, not both');
    expect(() => stackFor({ upstreamBaseUrl: 'http://127.0.0.1:9/v1' })).toThrow(
      'upstreamBaseUrl needs upstreamModel',
    );
  });
});

describe('ServingStackConfigSchema', () => {
  it('documents every field and hands each part of the server its own settings', () => {
    expect(() => assertDocumented(ServingStackConfigSchema)).not.toThrow();
    const config = ServingStackConfigSchema.parse({ maxToolRounds: 3, maxRunningJobs: 2, port: 9 });
    expect(conversationsConfigOf(config).maxToolRounds).toBe(3);
    expect(trainingJobsConfigOf(config).maxRunningJobs).toBe(2);
    expect(Object.keys(conversationsConfigOf(config))).not.toContain('port');
    expect(() => ServingStackConfigSchema.parse({ nonsense: 1 })).toThrow();
  });
});
