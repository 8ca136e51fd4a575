// The production example end to end on loopback: it starts with generated keys, conversations in a real
// Redis and capture to JSONL; a retail conversation runs its tool server-side through an upstream
// endpoint (a loopback server speaking the chat-completions protocol), is rated, deleted, captured,
// and exported as training data after a graceful shutdown.

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  PRODUCTION_SETTINGS,
  customerServiceConfig,
  startCustomerService,
  usage,
} from '../../examples/production-customer-service.js';
import { createLogger, runCli } from '../../src/index.js';
import {
  startChatCompletionsServer,
  type ChatCompletionsServer,
} from '../../src/testing/chat-completions-server.js';
import { RedisTestServer } from '../../src/serving/stores/test-support/redis-server.js';

const ORDER = '#W5918442'; // pending in τ-bench's retail data
const ANSWER = `Your order ${ORDER} is pending: it has not shipped yet.`;

let folder: string;
let redis: RedisTestServer;
let upstream: ChatCompletionsServer;

beforeAll(async () => {
  folder = mkdtempSync(join(tmpdir(), 'production-example-'));
  redis = await RedisTestServer.launch();
  upstream = await startChatCompletionsServer({
    queue: [
      {
        kind: 'reply',
        content: [],
        toolCalls: [
          { id: 'call_1', name: 'get_order_details', arguments: JSON.stringify({ order_id: ORDER }) },
        ],
      },
    ],
    fallback: { kind: 'reply', content: [ANSWER] },
  });
});

afterAll(async () => {
  await upstream?.close();
  await redis?.close();
  rmSync(folder, { recursive: true, force: true });
});

const baseEnv = () => ({
  STATESET_PORT: '0',
  STATESET_UPSTREAM_BASE_URL: upstream.baseURL,
  STATESET_UPSTREAM_MODEL: 'scripted',
  STATESET_TRAJECTORIES_DIR: join(folder, 'captured'),
  ...(process.env.STATESET_TAU_RETAIL === undefined
    ? {}
    : { STATESET_TAU_RETAIL: process.env.STATESET_TAU_RETAIL }),
});

describe('examples/production-customer-service', () => {
  it('chooses Redis only when STATESET_REDIS_URL is set, and lets any STATESET_* variable override its settings', () => {
    const memory = customerServiceConfig(baseEnv());
    expect(memory.config.store).toBe('memory');
    expect(memory.config).toMatchObject({ maxConcurrent: 4, retries: 2, breakerFailureThreshold: 5 });
    expect(memory.generatedKeys).toBeDefined();
    const shared = customerServiceConfig({
      ...baseEnv(),
      STATESET_REDIS_URL: redis.url,
      STATESET_MAX_CONCURRENT: '2',
      STATESET_API_KEYS: 'mine:k-123456:chat',
    });
    expect(shared.config).toMatchObject({ store: 'redis', redisUrl: redis.url, maxConcurrent: 2 });
    expect(shared.config.rateLimitPerMinute).toBe(PRODUCTION_SETTINGS.rateLimitPerMinute);
    expect(shared.generatedKeys).toBeUndefined();
  });

  it('serves a retail conversation with its tool run server-side, captures it, and exports it after shutdown', async () => {
    const logs: Record<string, unknown>[] = [];
    const destination = new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const line of chunk.toString('utf8').split('\n')) if (line !== '') logs.push(JSON.parse(line));
        done();
      },
    });
    const running = await startCustomerService({
      env: { ...baseEnv(), STATESET_REDIS_URL: redis.url },
      logger: createLogger({ level: 'info', destination }),
      handleSignals: false,
    });
    const keys = running.generatedKeys!;
    expect(usage(running)).toContain(
      `curl ${running.url}/v1/conversations -H "authorization: Bearer ${keys.chat}"`,
    );
    expect(running.server.deps.conversations?.constructor.name).toBe('RedisConversationStore');
    const call = (path: string, key: string | undefined, body?: unknown, method = 'POST') =>
      fetch(`${running.url}${path}`, {
        method,
        headers: {
          ...(key === undefined ? {} : { authorization: `Bearer ${key}` }),
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    const opening = { environment: 'retail', message: `Hi, where is my order ${ORDER}?` };

    expect((await call('/v1/conversations', undefined, opening)).status).toBe(401);
    expect((await call('/v1/conversations', keys.train, opening)).status).toBe(403); // train scope only
    const created = await call('/v1/conversations', keys.chat, opening);
    expect(created.status, await created.clone().text()).toBe(201);
    const conversation = (await created.json()) as {
      id: string;
      messages: { role: string; content: string; name?: string }[];
    };
    const tool = conversation.messages.find((message) => message.role === 'tool');
    expect(tool?.name).toBe('get_order_details');
    expect(JSON.parse(tool!.content)).toMatchObject({ order_id: ORDER, status: 'pending' });
    expect(conversation.messages.at(-1)).toMatchObject({ role: 'assistant', content: ANSWER });
    const offered = (upstream.requests[0].body.tools as { function: { name: string } }[]).map(
      (t) => t.function.name,
    );
    expect(offered).toContain('get_order_details');

    expect(
      (await call(`/v1/conversations/${conversation.id}/feedback`, keys.chat, { rating: 1 })).status,
    ).toBe(201);
    expect((await call(`/v1/conversations/${conversation.id}`, keys.chat, undefined, 'DELETE')).status).toBe(
      200,
    );
    const metrics = await (await fetch(`${running.url}/metrics`)).text();
    expect(metrics).toMatch(/^stateset_captured_conversations_total 1$/m);
    expect(metrics).toMatch(/^stateset_circuit_breaker_state\{backend="scripted"\} 0$/m);

    const report = await running.shutdown.shutdown('test');
    expect(report).toMatchObject({ exitCode: 0, failed: [] });
    expect(logs.some((line) => line.msg === 'shutdown: complete')).toBe(true);

    const out = join(folder, 'sft.jsonl');
    const io = { stdout: new Writable({ write: (_c, _e, done) => done() }), stderr: process.stderr, env: {} };
    expect(await runCli(['export', join(folder, 'captured'), '--out', out], io)).toBe(0);
    const [example] = readFileSync(out, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    const roles = (example.messages as { role: string }[]).map((message) => message.role);
    expect(roles).toEqual(expect.arrayContaining(['user', 'assistant', 'tool']));
    expect(JSON.stringify(example)).toContain(ANSWER);
  });
});
