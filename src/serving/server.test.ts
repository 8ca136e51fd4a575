import { afterEach, describe, expect, it } from 'vitest';
import { StatesetError } from '../errors.js';
import { METRIC } from './metric-names.js';
import type { ServerDeps } from './server-deps.js';
import { EchoBackend } from './test-support/echo-backend.js';
import { buildTestServer, type TestServer } from './test-support/test-server.js';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.app.close();
  server = undefined;
});

const chat = { model: 'echo', messages: [{ role: 'user', content: 'hello' }] };

describe('buildServer: ids and logs', () => {
  it('answers /healthz with 200 and echoes a sane request id and trace id', async () => {
    server = await buildTestServer();
    const response = await server.app.inject({
      url: '/healthz',
      headers: { 'x-request-id': 'req-123', 'x-trace-id': 'trace.abc' },
    });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ status: 'ok' });
    expect(response.headers['x-request-id']).toBe('req-123');
    expect(response.headers['x-trace-id']).toBe('trace.abc');
  });

  it('replaces an id that is not plain with a generated one', async () => {
    server = await buildTestServer();
    const response = await server.app.inject({
      url: '/healthz',
      headers: { 'x-request-id': 'a b {"evil":1}', 'x-trace-id': 'x'.repeat(200) },
    });
    expect(response.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(response.headers['x-trace-id']).toMatch(/^[0-9a-f]{32}$/);
  });

  it('writes one JSON log line per request with request id, trace id, route, status and key id', async () => {
    server = await buildTestServer();
    await server.app.inject({
      method: 'POST',
      url: '/v1/chat/completions',
      payload: chat,
      headers: { 'x-request-id': 'r1', 'x-trace-id': 't1' },
    });
    const line = server.logs.find((entry) => entry.msg === 'request completed');
    expect(line).toMatchObject({
      requestId: 'r1',
      traceId: 't1',
      route: '/v1/chat/completions',
      status: '200',
      method: 'POST',
      keyId: 'anonymous',
    });
  });
});

describe('buildServer: readiness', () => {
  it('is ready with a ready backend', async () => {
    server = await buildTestServer();
    const response = await server.app.inject({ url: '/readyz' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ ready: true, checks: { model: { ready: true } } });
  });

  it('starts without a backend: /readyz says why, chat answers 503 model_unavailable, models are empty', async () => {
    server = await buildTestServer({ backend: null });
    const ready = await server.app.inject({ url: '/readyz' });
    expect(ready.statusCode).toBe(503);
    expect(ready.json().error.code).toBe('not_ready');
    expect(ready.json().checks.model.reason).toMatch(/no model is configured/);
    const reply = await server.app.inject({ method: 'POST', url: '/v1/chat/completions', payload: chat });
    expect(reply.statusCode).toBe(503);
    expect(reply.json().error.code).toBe('model_unavailable');
    expect((await server.app.inject({ url: '/v1/models' })).json()).toEqual({ object: 'list', data: [] });
    expect((await server.app.inject({ url: '/healthz' })).statusCode).toBe(200);
  });

  it('reports a backend that is not ready, and chat answers 503 with its reason', async () => {
    const backend = new EchoBackend({ notReadyReason: 'weights still loading' });
    server = await buildTestServer({ backend });
    const ready = await server.app.inject({ url: '/readyz' });
    expect(ready.statusCode).toBe(503);
    expect(ready.json().error.message).toBe('model: weights still loading');
    const reply = await server.app.inject({ method: 'POST', url: '/v1/chat/completions', payload: chat });
    expect(reply.json().error).toMatchObject({ code: 'model_unavailable', message: /weights still loading/ });
    backend.setNotReady(undefined);
    expect((await server.app.inject({ url: '/readyz' })).statusCode).toBe(200);
  });

  it('runs checks that plugins add', async () => {
    let queueUp = false;
    server = await buildTestServer({
      plugins: [
        (_app, deps) =>
          deps.readiness.add('queue', () =>
            queueUp ? { ready: true } : { ready: false, reason: 'queue down' },
          ),
      ],
    });
    const down = await server.app.inject({ url: '/readyz' });
    expect(down.statusCode).toBe(503);
    expect(down.json().checks.queue).toEqual({ ready: false, reason: 'queue down' });
    queueUp = true;
    expect((await server.app.inject({ url: '/readyz' })).statusCode).toBe(200);
  });

  it('turns unready and refuses new work once shutdown began, but stays live', async () => {
    server = await buildTestServer();
    server.markShuttingDown();
    expect(server.shuttingDown).toBe(true);
    const ready = await server.app.inject({ url: '/readyz' });
    expect(ready.statusCode).toBe(503);
    expect(ready.json().error.code).toBe('server_shutting_down');
    const reply = await server.app.inject({ method: 'POST', url: '/v1/chat/completions', payload: chat });
    expect(reply.statusCode).toBe(503);
    expect(reply.json().error.code).toBe('server_shutting_down');
    expect(reply.headers.connection).toBe('close');
    expect((await server.app.inject({ url: '/healthz' })).statusCode).toBe(200);
  });
});

describe('buildServer: metrics and models', () => {
  it('exports request counts and latency by route template and status, every METRIC, and process metrics', async () => {
    server = await buildTestServer();
    await server.app.inject({ url: '/healthz' });
    await server.app.inject({ url: '/healthz' });
    await server.app.inject({ url: '/nope' });
    const response = await server.app.inject({ url: '/metrics' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = response.body;
    expect(text).toContain(`${METRIC.httpRequests}{method="GET",route="/healthz",status="200"} 2`);
    expect(text).toContain(`${METRIC.httpRequests}{method="GET",route="unmatched",status="404"} 1`);
    expect(text).toContain(`${METRIC.httpDuration}_count{method="GET",route="/healthz",status="200"} 2`);
    for (const name of Object.values(METRIC)) expect(text).toContain(`# TYPE ${name} `);
    expect(text).toContain('process_cpu_user_seconds_total');
  });

  it('lists and retrieves the served model', async () => {
    server = await buildTestServer();
    const list = await server.app.inject({ url: '/v1/models' });
    expect(list.json()).toMatchObject({
      object: 'list',
      data: [{ id: 'echo', object: 'model', owned_by: 'stateset-agents' }],
    });
    expect((await server.app.inject({ url: '/v1/models/echo' })).json().id).toBe('echo');
    const missing = await server.app.inject({ url: '/v1/models/gpt-9' });
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error.code).toBe('model_not_found');
  });
});

describe('buildServer: errors and plugins', () => {
  it('answers unknown paths 404 and known paths with the wrong method 405 with Allow', async () => {
    server = await buildTestServer();
    const missing = await server.app.inject({ url: '/v2/anything?x=1' });
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toEqual({
      error: {
        code: 'not_found',
        message: 'no route GET /v2/anything',
        requestId: missing.headers['x-request-id'],
      },
    });
    const wrong = await server.app.inject({ method: 'GET', url: '/v1/chat/completions' });
    expect(wrong.statusCode).toBe(405);
    expect(wrong.headers.allow).toBe('POST');
    expect(wrong.json().error.code).toBe('method_not_allowed');
    const param = await server.app.inject({ method: 'DELETE', url: '/v1/models/echo' });
    expect(param.statusCode).toBe(405);
    expect(param.headers.allow).toBe('GET, HEAD');
  });

  it('gives plugins the deps, and maps what their routes throw to the envelope without leaking internals', async () => {
    let seen: ServerDeps | undefined;
    server = await buildTestServer({
      plugins: [
        async (app, deps) => {
          seen = deps;
          app.get('/v1/boom', { config: { scope: 'chat' } }, async () => {
            throw new Error('database password hunter2 at /srv/secret.ts:12');
          });
          app.get('/v1/gone', { config: { scope: 'chat' } }, async () => {
            throw new StatesetError('conversation_not_found', 'no conversation c-1');
          });
          app.get('/v1/engine', { config: { scope: 'chat' } }, async () => {
            throw new StatesetError('runtime_failure', 'onnx failed in /opt/internal/model.onnx');
          });
        },
      ],
    });
    expect(seen?.backend).toBe(server.backend);
    expect(seen?.config.port).toBe(8000);
    const boom = await server.app.inject({ url: '/v1/boom' });
    expect(boom.statusCode).toBe(500);
    expect(boom.json().error).toMatchObject({
      code: 'internal_error',
      requestId: boom.headers['x-request-id'],
    });
    expect(boom.body).not.toMatch(/hunter2|secret|stack|\.ts/);
    expect(server.logs.some((line) => JSON.stringify(line).includes('hunter2'))).toBe(true);
    const gone = await server.app.inject({ url: '/v1/gone' });
    expect(gone.statusCode).toBe(404);
    expect(gone.json().error).toMatchObject({
      code: 'conversation_not_found',
      message: 'no conversation c-1',
    });
    const engine = await server.app.inject({ url: '/v1/engine' });
    expect(engine.statusCode).toBe(500);
    expect(engine.json().error.code).toBe('runtime_failure');
    expect(engine.body).not.toContain('/opt/internal');
  });
});
