// The resilience layer's events as a user sees them on GET /metrics: retries, the breaker opening,
// half-open and closing again, fallback replies, and concurrency rejections, on a real server.

import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../observability/logger.js';
import { createServerMetrics } from './server-metrics.js';
import { GatedBackend } from './conversations/test-support/gated-backend.js';
import { ResilientChatBackend } from './resilience/resilient-chat-backend.js';
import { FaultInjectingBackend } from './resilience/test-support/fault-injecting-backend.js';
import { resilienceMetricHooks } from './resilience-metrics.js';
import { EchoBackend } from './test-support/echo-backend.js';
import { buildTestServer, type TestServer } from './test-support/test-server.js';

const FALLBACK = 'One moment, please.';
let server: TestServer | undefined;

afterEach(async () => {
  await server?.app.close();
  server = undefined;
});

async function setup(maxConcurrent = 4) {
  const metrics = createServerMetrics({ processMetrics: false });
  const gated = new GatedBackend(new EchoBackend());
  const faulty = new FaultInjectingBackend(gated);
  const clock = { ms: 0 };
  server = await buildTestServer({
    metrics,
    backend: new ResilientChatBackend({
      backend: faulty,
      retry: { maxRetries: 1 },
      breaker: { failureThreshold: 1, resetTimeoutMs: 1000 },
      concurrency: { maxConcurrent },
      fallbackMessage: FALLBACK,
      now: () => clock.ms,
      sleep: async () => undefined,
      hooks: resilienceMetricHooks({ metrics, logger: createLogger({ level: 'silent' }), backend: 'echo' }),
    }),
  });
  return { server, faulty, gated, clock };
}

const chat = (app: TestServer['app']) =>
  app.inject({
    method: 'POST',
    url: '/v1/chat/completions',
    payload: { model: 'echo', messages: [{ role: 'user', content: 'abc' }] },
  });

async function metric(app: TestServer['app'], line: RegExp): Promise<number | undefined> {
  const text = (await app.inject({ method: 'GET', url: '/metrics' })).body;
  const found = text.split('\n').find((entry) => line.test(entry));
  return found === undefined ? undefined : Number(found.split(' ').at(-1));
}

const BREAKER = /^stateset_circuit_breaker_state\{backend="echo"\} /;

describe('resilienceMetricHooks on /metrics', () => {
  it('counts a retry, shows the breaker open, counts the fallback, then half-open and closed again', async () => {
    const { server, faulty, clock } = await setup();
    expect(await metric(server.app, BREAKER)).toBe(0);

    faulty.failNext({ kind: 'error' }, { kind: 'error' }); // the call and its one retry fail
    const degraded = await chat(server.app);
    expect(degraded.statusCode).toBe(200);
    expect(degraded.json().choices[0].message.content).toBe(FALLBACK);
    expect(await metric(server.app, /^stateset_backend_retries_total\{backend="echo"\} /)).toBe(1);
    expect(await metric(server.app, BREAKER)).toBe(2);
    expect(await metric(server.app, /^stateset_fallback_replies_total\{backend="echo"\} /)).toBe(1);

    expect((await chat(server.app)).json().choices[0].message.content).toBe(FALLBACK); // open: no call
    expect(await metric(server.app, /^stateset_fallback_replies_total\{backend="echo"\} /)).toBe(2);

    clock.ms = 1000; // the reset timeout passed: the next call is a half-open trial, and succeeds
    const recovered = await chat(server.app);
    expect(recovered.json().choices[0].message.content).toBe('cba');
    expect(await metric(server.app, BREAKER)).toBe(0);
  });

  it('counts a call refused by the concurrency limit as a rejection', async () => {
    const { server, gated } = await setup(1);
    const holding = gated.hold();
    const first = chat(server.app);
    await holding;
    const refused = await chat(server.app);
    expect(refused.statusCode).toBe(503);
    expect(refused.json().error.code).toBe('overloaded');
    expect(await metric(server.app, /^stateset_rejected_requests_total\{reason="concurrency"\} /)).toBe(1);
    gated.release();
    expect((await first).statusCode).toBe(200);
  });
});
