// A saturated or broken backend answers 503 with Retry-After, so load balancers and clients back off.

import { afterEach, describe, expect, it } from 'vitest';
import type { ChatBackend, Completion, CompletionRequest } from './chat-backend.js';
import { ResilientChatBackend } from './resilience/resilient-chat-backend.js';
import { buildTestServer, type TestServer } from './test-support/test-server.js';
import { EchoBackend } from './test-support/echo-backend.js';

/** The echo backend, holding every call until `release()`. */
class GatedBackend implements ChatBackend {
  readonly modelId = 'echo';
  private readonly inner = new EchoBackend();
  private opened: () => void = () => {};
  private readonly gate = new Promise<void>((resolve) => (this.opened = resolve));
  started = 0;

  readiness() {
    return this.inner.readiness();
  }
  async complete(request: CompletionRequest): Promise<Completion> {
    this.started += 1;
    await this.gate;
    return this.inner.complete(request);
  }
  release(): void {
    this.opened();
  }
  close(): Promise<void> {
    return this.inner.close();
  }
}

const chat = (content: string) => ({
  method: 'POST' as const,
  url: '/v1/chat/completions',
  payload: { model: 'echo', messages: [{ role: 'user', content }] },
});

describe('Retry-After on 503s from the resilience layer', () => {
  let server: TestServer | undefined;
  afterEach(async () => {
    await server?.app.close();
    server = undefined;
  });

  it('a request beyond the concurrency limit gets 503 overloaded with Retry-After; the one in flight completes', async () => {
    const gated = new GatedBackend();
    const backend = new ResilientChatBackend({
      backend: gated,
      concurrency: { maxConcurrent: 1, maxQueue: 0, retryAfterSeconds: 3 },
    });
    server = await buildTestServer({ backend });
    const first = server.app.inject(chat('abc'));
    while (gated.started === 0) await new Promise((resolve) => setImmediate(resolve));

    const refused = await server.app.inject(chat('def'));
    expect(refused.statusCode).toBe(503);
    expect(refused.headers['retry-after']).toBe('3');
    expect(refused.json().error.code).toBe('overloaded');

    gated.release();
    const answered = await first;
    expect(answered.statusCode).toBe(200);
    expect(answered.json().choices[0].message.content).toBe('cba');
  });

  it('an open breaker without a fallback answers 503 circuit_open with Retry-After until its reset time', async () => {
    let now = 0;
    const backend = new ResilientChatBackend({
      backend: new EchoBackend(),
      retry: { maxRetries: 0 },
      breaker: { failureThreshold: 1, resetTimeoutMs: 5_000 },
      fallbackMessage: '',
      now: () => now,
    });
    server = await buildTestServer({ backend });
    const failed = await server.app.inject(chat('fail runtime_failure'));
    expect(failed.statusCode).toBe(500);

    now = 1_500;
    const open = await server.app.inject(chat('hello'));
    expect(open.statusCode).toBe(503);
    expect(open.json().error.code).toBe('circuit_open');
    expect(open.headers['retry-after']).toBe('4'); // 3.5 s left, rounded up
  });
});
