// A caller that goes away mid-stream stops the backend (its AbortSignal fires) on a real socket.

import { once } from 'node:events';
import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EchoBackend } from './test-support/echo-backend.js';
import { buildTestServer, type TestServer } from './test-support/test-server.js';

let server: TestServer;
let address: URL;

beforeAll(async () => {
  server = await buildTestServer({ config: { maxMessageChars: 500_000, bodyLimitBytes: 2_000_000 } });
  address = new URL(await server.app.listen({ port: 0, host: '127.0.0.1' }));
});
afterAll(async () => {
  await server.app.close();
});

describe('a caller leaving mid-stream', () => {
  it('aborts the backend call, and the server keeps serving', async () => {
    const backend = server.backend as EchoBackend;
    // Far more text than socket and stream buffers hold, so the stream is still running when we leave.
    const payload = JSON.stringify({
      model: 'echo',
      stream: true,
      messages: [{ role: 'user', content: 'x'.repeat(400_000) }],
    });
    const call = httpRequest({
      host: address.hostname,
      port: address.port,
      path: '/v1/chat/completions',
      method: 'POST',
      headers: { 'content-type': 'application/json' },
    });
    call.end(payload);
    const [response] = (await once(call, 'response')) as [import('node:http').IncomingMessage];
    expect(response.statusCode).toBe(200);
    await once(response, 'data');
    call.destroy();
    const signal = backend.requests[0].signal!;
    if (!signal.aborted) await once(signal, 'abort');
    expect(signal.aborted).toBe(true);
    const next = await server.app.inject({
      method: 'POST',
      url: '/v1/chat/completions',
      payload: { model: 'echo', messages: [{ role: 'user', content: 'ok' }] },
    });
    expect(next.json().choices[0].message.content).toBe('ko');
  });
});
