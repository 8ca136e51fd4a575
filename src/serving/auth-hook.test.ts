import { afterEach, describe, expect, it } from 'vitest';
import { hashApiKey } from './api-keys.js';
import { requireScope } from './auth-hook.js';
import { METRIC } from './metric-names.js';
import { buildTestServer, type TestServer } from './test-support/test-server.js';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.app.close();
  server = undefined;
});

const KEYS = 'alice:sk-alice-1:chat,trainer:sk-train-2:train,root:sk-root:3:admin';
const chat = { model: 'echo', messages: [{ role: 'user', content: 'hi' }] };

async function withKeys(config: Record<string, unknown> = {}, now?: () => number) {
  server = await buildTestServer({ config: { apiKeys: KEYS, ...config }, ...(now ? { now } : {}) });
  return server;
}

const postChat = (headers: Record<string, string>) =>
  server!.app.inject({ method: 'POST', url: '/v1/chat/completions', payload: chat, headers });

describe('API keys and scopes', () => {
  it('refuses a request without a key or with an unknown key (401, WWW-Authenticate)', async () => {
    await withKeys();
    const none = await postChat({});
    expect(none.statusCode).toBe(401);
    expect(none.headers['www-authenticate']).toBe('Bearer');
    expect(none.json().error).toMatchObject({ code: 'unauthorized', message: /Authorization: Bearer/ });
    const unknown = await postChat({ authorization: 'Bearer sk-alice-2' });
    expect(unknown.statusCode).toBe(401);
    expect(unknown.json().error.message).toBe('unknown API key');
  });

  it('accepts Bearer (any case) and x-api-key, and a key containing colons', async () => {
    await withKeys();
    expect((await postChat({ authorization: 'Bearer sk-alice-1' })).statusCode).toBe(200);
    expect((await postChat({ authorization: 'bearer sk-alice-1' })).statusCode).toBe(200);
    expect((await postChat({ 'x-api-key': 'sk-alice-1' })).statusCode).toBe(200);
    expect((await postChat({ authorization: 'Bearer sk-root:3' })).statusCode).toBe(200);
  });

  it('enforces route scopes: train cannot chat, admin can do everything', async () => {
    await withKeys();
    const trainer = await postChat({ authorization: 'Bearer sk-train-2' });
    expect(trainer.statusCode).toBe(403);
    expect(trainer.json().error).toMatchObject({
      code: 'forbidden',
      message: 'this route needs the "chat" scope',
    });
    expect((await postChat({ authorization: 'Bearer sk-root:3' })).statusCode).toBe(200);
  });

  it('enforces scopes on plugin routes the same way', async () => {
    server = await buildTestServer({
      config: { apiKeys: KEYS },
      plugins: [
        (app) =>
          void app.get('/v1/jobs', { config: { scope: 'train' } }, async (request) => request.principal),
      ],
    });
    const alice = await server.app.inject({
      url: '/v1/jobs',
      headers: { authorization: 'Bearer sk-alice-1' },
    });
    expect(alice.statusCode).toBe(403);
    const trainer = await server.app.inject({
      url: '/v1/jobs',
      headers: { authorization: 'Bearer sk-train-2' },
    });
    expect(trainer.json()).toEqual({ keyId: 'trainer', scopes: ['train'] });
  });

  it('lets handlers require a further scope with requireScope', async () => {
    server = await buildTestServer({
      config: { apiKeys: KEYS },
      plugins: [
        (app) =>
          void app.get('/v1/audit', { config: { scope: 'chat' } }, async (request) =>
            requireScope(request, 'admin'),
          ),
      ],
    });
    const alice = await server.app.inject({
      url: '/v1/audit',
      headers: { authorization: 'Bearer sk-alice-1' },
    });
    expect(alice.statusCode).toBe(403);
    expect(alice.json().error).toMatchObject({ code: 'forbidden', message: 'this needs the "admin" scope' });
    const root = await server.app.inject({
      url: '/v1/audit',
      headers: { authorization: 'Bearer sk-root:3' },
    });
    expect(root.json()).toEqual({ keyId: 'root', scopes: ['admin'] });
  });

  it('accepts keys configured as SHA-256 hashes', async () => {
    server = await buildTestServer({
      config: { apiKeyHashes: [{ id: 'svc', sha256: hashApiKey('sk-svc'), scopes: ['chat'] }] },
    });
    expect((await postChat({ authorization: 'Bearer sk-svc' })).statusCode).toBe(200);
    expect((await postChat({ authorization: 'Bearer sk-svx' })).statusCode).toBe(401);
  });

  it('leaves health, readiness and metrics public', async () => {
    await withKeys();
    for (const url of ['/healthz', '/readyz', '/metrics']) {
      expect((await server!.app.inject({ url })).statusCode).toBe(200);
    }
  });

  it('never writes a key to the logs', async () => {
    await withKeys();
    await postChat({ authorization: 'Bearer sk-alice-1' });
    await postChat({ authorization: 'Bearer sk-wrong-key' });
    const logText = JSON.stringify(server!.logs);
    expect(logText).toContain('"keyId":"alice"');
    expect(logText).not.toMatch(/sk-alice-1|sk-wrong-key/);
  });

  it('with no keys configured, warns and treats every caller as anonymous with all scopes', async () => {
    server = await buildTestServer();
    expect(
      server.logs.some((line) => line.level === 40 && /no API keys configured/.test(String(line.msg))),
    ).toBe(true);
    expect((await postChat({})).statusCode).toBe(200);
  });
});

describe('rate limits', () => {
  it('answers 429 with Retry-After once a key spends its burst, counts it, and refills with time', async () => {
    let clock = 0;
    await withKeys({ rateLimitPerMinute: 60, rateLimitBurst: 2 }, () => clock);
    const alice = { authorization: 'Bearer sk-alice-1' };
    expect((await postChat(alice)).statusCode).toBe(200);
    expect((await postChat(alice)).statusCode).toBe(200);
    const limited = await postChat(alice);
    expect(limited.statusCode).toBe(429);
    expect(limited.headers['retry-after']).toBe('1');
    expect(limited.json().error.code).toBe('rate_limited');
    expect((await postChat({ authorization: 'Bearer sk-root:3' })).statusCode).toBe(200);
    const text = await server!.deps.metrics.registry.metrics();
    expect(text).toContain(`${METRIC.rateLimitRejections}{key="alice"} 1`);
    expect(text).toContain(`${METRIC.rejections}{reason="rate_limit"} 1`);
    clock += 1000;
    expect((await postChat(alice)).statusCode).toBe(200);
    expect((await postChat(alice)).statusCode).toBe(429);
  });

  it('does not limit health checks', async () => {
    await withKeys({ rateLimitPerMinute: 1, rateLimitBurst: 1 }, () => 0);
    for (let index = 0; index < 5; index++) {
      expect((await server!.app.inject({ url: '/healthz' })).statusCode).toBe(200);
    }
  });
});
