import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EnvironmentError } from '../../errors.js';
import {
  startChatCompletionsServer,
  type ChatCompletionsServer,
} from '../../testing/chat-completions-server.js';
import { DEFAULT_GREETING, LlmUser, tauUserSystemPrompt } from './llm-user.js';

const INSTRUCTION = 'Your name is Ann Lee and your zip code is 12345. You want to cancel order #W1.';

describe('LlmUser against a loopback chat completions server', () => {
  let server: ChatCompletionsServer;
  beforeEach(async () => {
    server = await startChatCompletionsServer();
  });
  afterEach(async () => {
    await server.close();
  });

  const user = (options: Partial<ConstructorParameters<typeof LlmUser>[0]> = {}) =>
    new LlmUser({
      instruction: INSTRUCTION,
      baseURL: server.baseURL,
      model: 'user-sim',
      retryDelayMs: 1,
      ...options,
    });

  it('sends the τ-bench user prompt with flipped roles and detects ###STOP###', async () => {
    server.queue.push({ kind: 'reply', content: 'I want to cancel an order.' });
    server.queue.push({ kind: 'reply', content: '###STOP###' });
    const simulated = user({ seed: 11 });
    expect(await simulated.open()).toEqual({ content: 'I want to cancel an order.', stop: false });
    expect(await simulated.reply({ agentMessage: 'Done, it is cancelled.' })).toEqual({
      content: '###STOP###',
      stop: true,
    });

    const [first, second] = server.requests.map((request) => request.body);
    expect(first.model).toBe('user-sim');
    expect(first.temperature).toBe(0);
    expect(first.seed).toBe(11);
    expect(first.messages[0].role).toBe('system');
    expect(first.messages[0].content).toBe(tauUserSystemPrompt(INSTRUCTION));
    expect(first.messages[0].content).toContain(INSTRUCTION);
    expect(first.messages[0].content).toContain('one line at a time');
    expect(first.messages[0].content).toContain('Do not hallucinate information');
    expect(first.messages[0].content).toContain('###STOP###');
    expect(first.messages[1]).toEqual({ role: 'user', content: DEFAULT_GREETING });
    expect(second.messages.slice(2)).toEqual([
      { role: 'assistant', content: 'I want to cancel an order.' },
      { role: 'user', content: 'Done, it is cancelled.' },
    ]);
  });

  it('retries server errors, rate limits and empty replies, then succeeds', async () => {
    server.queue.push(
      { kind: 'error', status: 500 },
      { kind: 'error', status: 429 },
      { kind: 'reply', content: '' },
    );
    server.queue.push({ kind: 'reply', content: 'hello' });
    expect(await user({ maxRetries: 3 }).open()).toEqual({ content: 'hello', stop: false });
    expect(server.requests).toHaveLength(4);
  });

  it('fails with user_simulator_failed once retries run out', async () => {
    server.queue.push({ kind: 'error', status: 503 }, { kind: 'error', status: 503 });
    const failure = user({ maxRetries: 1 }).open();
    await expect(failure).rejects.toBeInstanceOf(EnvironmentError);
    await expect(failure).rejects.toMatchObject({ code: 'user_simulator_failed' });
    expect(server.requests).toHaveLength(2);
  });

  it('does not retry a request the server rejects as bad', async () => {
    server.queue.push({ kind: 'error', status: 400, message: 'unknown model' });
    await expect(user({ maxRetries: 5 }).open()).rejects.toThrow(/after 1 attempt\(s\).*unknown model/);
    expect(server.requests).toHaveLength(1);
  });

  it('times out a request that never answers, retrying once', async () => {
    server.queue.push({ kind: 'hang' }, { kind: 'hang' });
    await expect(user({ timeoutMs: 50, maxRetries: 1 }).open()).rejects.toMatchObject({
      code: 'user_simulator_failed',
      message: expect.stringContaining('after 2 attempt(s)'),
    });
    expect(server.requests).toHaveLength(2);
  });

  it('stops at once when its signal aborts', async () => {
    server.queue.push({ kind: 'hang' });
    const controller = new AbortController();
    const pending = user().open({ signal: controller.signal });
    await server.waitForRequests(1);
    controller.abort(new Error('cancelled by test'));
    await expect(pending).rejects.toThrow('cancelled by test');
    expect(server.requests).toHaveLength(1);
  });
});
