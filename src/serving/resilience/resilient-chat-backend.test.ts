// Fault injection into a real local model: the breaker opening, the fallback while open, half-open
// recovery and relapse on an injected clock, retry delays, timeouts and the concurrency limit.

import { afterAll, describe, expect, it } from 'vitest';
import { LanguageModel } from '../../models/language-model.js';
import { ByteTokenizer } from '../../models/tokenizers/byte-tokenizer.js';
import { tinyModelConfig } from '../../testing/index.js';
import { BackendError } from '../backends/backend-error.js';
import { LocalChatBackend } from '../backends/local-chat-backend.js';
import type { CompletionRequest } from '../chat-backend.js';
import type { BreakerStateChange } from './circuit-breaker.js';
import {
  ResilientChatBackend,
  type CallOutcome,
  type ResilientChatBackendOptions,
} from './resilient-chat-backend.js';
import type { RetryEvent } from './retry.js';
import { FaultInjectingBackend } from './test-support/fault-injecting-backend.js';

const FALLBACK = 'Sorry, I cannot answer right now.';
/** Long enough for the tiny model's real reply on a loaded machine; a hanging attempt waits it out. */
const ATTEMPT_TIMEOUT_MS = 300;
const model = new LanguageModel({
  config: tinyModelConfig({ vocabSize: new ByteTokenizer().vocabSize, contextLength: 64 }),
  seed: 4,
  threads: 1,
});
const local = new LocalChatBackend({ source: { model }, modelId: 'tiny' });
afterAll(() => model.dispose());

const REQUEST: CompletionRequest = {
  messages: [{ role: 'user', content: 'hi' }],
  sampling: { maxTokens: 4, temperature: 0 },
};

/** A resilient backend over a fault injector over the tiny model, on a clock the test moves. */
function setup(options: Partial<ResilientChatBackendOptions> = {}) {
  const faulty = new FaultInjectingBackend(local);
  const clock = { ms: 0 };
  const record = {
    states: [] as string[],
    retries: [] as RetryEvent[],
    delays: [] as number[],
    fallbacks: [] as string[],
    rejected: [] as number[],
    outcomes: [] as CallOutcome[],
  };
  const backend = new ResilientChatBackend({
    backend: faulty,
    breaker: { failureThreshold: 3, resetTimeoutMs: 10_000 },
    retry: { maxRetries: 0 },
    fallbackMessage: FALLBACK,
    now: () => clock.ms,
    random: () => 0.5,
    sleep: async (ms) => void record.delays.push(ms),
    hooks: {
      onStateChange: ({ state }: BreakerStateChange) => void record.states.push(state),
      onRetry: (event) => void record.retries.push(event),
      onFallback: ({ reason }) => void record.fallbacks.push(reason),
      onRejected: ({ retryAfterSeconds }) => void record.rejected.push(retryAfterSeconds),
      onLatency: ({ outcome }) => void record.outcomes.push(outcome),
    },
    ...options,
  });
  return { backend, faulty, clock, record };
}

async function rejection(promise: Promise<unknown>): Promise<BackendError> {
  const error: unknown = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(BackendError);
  return error as BackendError;
}

describe('ResilientChatBackend: circuit breaker and fallback', () => {
  it("serves the model's reply while the backend is healthy", async () => {
    const { backend, faulty, record } = setup();
    const completion = await backend.complete(REQUEST);
    expect(completion).toEqual(await local.complete(REQUEST));
    expect(completion.degraded).toBeUndefined();
    expect(faulty.innerCalls).toBe(1);
    expect(record.outcomes).toEqual(['success']);
    expect(backend.modelId).toBe('tiny');
  });

  it('opens after the failure threshold, then serves the fallback without calling the backend', async () => {
    const { backend, faulty, record } = setup({ fallbackOnFailure: false });
    faulty.failAlways({ kind: 'error' });
    for (let i = 0; i < 3; i++)
      await expect(backend.complete(REQUEST)).rejects.toMatchObject({ code: 'policy_unavailable' });
    expect(backend.breakerState).toBe('open');
    expect(record.states).toEqual(['open']);
    const degraded = await backend.complete(REQUEST);
    expect(degraded).toEqual({
      message: { role: 'assistant', content: FALLBACK },
      finishReason: 'stop',
      usage: { promptTokens: 0, completionTokens: 0 },
      degraded: true,
    });
    expect(faulty.calls, 'the open breaker kept the call from the backend').toBe(3);
    expect(record.fallbacks).toEqual(['circuit_open']);
    expect(record.outcomes).toEqual(['error', 'error', 'error', 'fallback']);
  });

  it('goes half-open after the reset time and closes again on a successful trial', async () => {
    const { backend, faulty, clock, record } = setup();
    faulty.failAlways({ kind: 'error' });
    for (let i = 0; i < 3; i++) await backend.complete(REQUEST);
    expect(backend.breakerState).toBe('open');
    faulty.heal();
    clock.ms = 9_999;
    expect((await backend.complete(REQUEST)).degraded).toBe(true);
    clock.ms = 10_000;
    expect(backend.breakerState).toBe('half_open');
    const trial = await backend.complete(REQUEST);
    expect(trial.degraded).toBeUndefined();
    expect(trial.message).toEqual((await local.complete(REQUEST)).message);
    expect(backend.breakerState).toBe('closed');
    expect(record.states).toEqual(['open', 'half_open', 'closed']);
  });

  it('re-opens on a failed trial and waits the whole reset time again', async () => {
    const { backend, faulty, clock, record } = setup();
    faulty.failAlways({ kind: 'error' });
    for (let i = 0; i < 3; i++) await backend.complete(REQUEST);
    clock.ms = 10_000;
    const calls = faulty.calls;
    expect((await backend.complete(REQUEST)).degraded).toBe(true); // the trial failed: fallback
    expect(faulty.calls).toBe(calls + 1);
    expect(backend.breakerState).toBe('open');
    faulty.heal();
    clock.ms = 19_999;
    expect((await backend.complete(REQUEST)).degraded).toBe(true);
    expect(faulty.calls, 'still open: no call').toBe(calls + 1);
    clock.ms = 20_000;
    expect((await backend.complete(REQUEST)).degraded).toBeUndefined();
    expect(record.states).toEqual(['open', 'half_open', 'open', 'half_open', 'closed']);
  });

  it('fails with circuit_open and a Retry-After when no fallback message is configured', async () => {
    const { backend, faulty, clock } = setup({ fallbackMessage: '' });
    faulty.failAlways({ kind: 'error' });
    for (let i = 0; i < 3; i++)
      await expect(backend.complete(REQUEST)).rejects.toMatchObject({ code: 'policy_unavailable' });
    clock.ms = 2_500;
    const error = await rejection(backend.complete(REQUEST));
    expect(error.code).toBe('circuit_open');
    expect(error.retryAfterSeconds).toBe(8);
  });

  it("does not count the caller's errors against the breaker, nor fall back on them", async () => {
    const { backend, faulty } = setup();
    faulty.failAlways({ kind: 'error', code: 'policy_request_rejected', retryable: false });
    for (let i = 0; i < 5; i++)
      await expect(backend.complete(REQUEST)).rejects.toMatchObject({ code: 'policy_request_rejected' });
    expect(backend.breakerState).toBe('closed');
  });
});

describe('ResilientChatBackend: retries and timeouts', () => {
  it('retries retryable failures with the computed backoff delays, then succeeds', async () => {
    const { backend, faulty, record } = setup({
      retry: { maxRetries: 3, initialDelayMs: 100, maxDelayMs: 1000 },
    });
    faulty.failNext({ kind: 'error' }, { kind: 'error', code: 'policy_rate_limited' }, { kind: 'error' });
    const completion = await backend.complete(REQUEST);
    expect(completion.degraded).toBeUndefined();
    expect(faulty.calls).toBe(4);
    // Full jitter with u = 0.5: half of 100, 200, 400.
    expect(record.delays).toEqual([50, 100, 200]);
    expect(record.retries.map((event) => (event.error as BackendError).code)).toEqual([
      'policy_unavailable',
      'policy_rate_limited',
      'policy_unavailable',
    ]);
    expect(backend.breakerState, 'a call that finally succeeded is one success').toBe('closed');
  });

  it('falls back when the retries run out, counting one failure against the breaker', async () => {
    const { backend, faulty, record } = setup({ retry: { maxRetries: 2, initialDelayMs: 10 } });
    faulty.failAlways({ kind: 'error' });
    const completion = await backend.complete(REQUEST);
    expect(completion.degraded).toBe(true);
    expect(faulty.calls).toBe(3);
    expect(record.fallbacks).toEqual(['failure']);
    expect(backend.breakerState).toBe('closed');
  });

  it('times out a hanging attempt, aborting it, and retries', async () => {
    const { backend, faulty, record } = setup({
      attemptTimeoutMs: ATTEMPT_TIMEOUT_MS,
      retry: { maxRetries: 1 },
    });
    faulty.failNext({ kind: 'hang' });
    const completion = await backend.complete(REQUEST);
    expect(completion.degraded).toBeUndefined();
    expect(faulty.calls).toBe(2);
    expect((record.retries[0].error as BackendError).code).toBe('policy_timeout');
  });

  it('bounds the whole call, retries included, with totalTimeoutMs', async () => {
    const { backend, faulty } = setup({
      attemptTimeoutMs: 60_000,
      totalTimeoutMs: 30,
      fallbackOnFailure: false,
    });
    faulty.failAlways({ kind: 'hang' });
    const error = await rejection(backend.complete(REQUEST));
    expect(error.code).toBe('policy_timeout');
    expect(error.message).toContain('30 ms');
  });

  it('retries a stream that failed before its first delta, showing only the retried reply', async () => {
    const { backend, faulty } = setup({ retry: { maxRetries: 1 } });
    faulty.failNext({ kind: 'error' });
    const deltas: string[] = [];
    const completion = await backend.complete({
      ...REQUEST,
      onDelta: ({ content }) => void deltas.push(content),
    });
    expect(faulty.calls).toBe(2);
    expect(deltas.join('')).toBe(completion.message.content);
  });

  it('drops whatever a timed-out attempt streams after the retry has taken over', async () => {
    const { backend, faulty } = setup({ attemptTimeoutMs: ATTEMPT_TIMEOUT_MS, retry: { maxRetries: 1 } });
    let release: () => void = () => {};
    const until = new Promise<void>((resolve) => (release = resolve));
    faulty.failNext({ kind: 'late_stream', until, content: 'STALE' });
    const deltas: string[] = [];
    const completion = await backend.complete({
      ...REQUEST,
      onDelta: ({ content }) => void deltas.push(content),
    });
    release();
    await faulty.idle();
    expect(faulty.calls).toBe(2);
    expect(deltas.join('')).toBe(completion.message.content);
    expect(deltas).not.toContain('STALE');
  });

  it('neither retries nor falls back once a delta has reached the caller', async () => {
    const { backend, faulty, record } = setup({ retry: { maxRetries: 3 } });
    faulty.failNext({ kind: 'break_stream', content: 'Your ord' });
    const deltas: string[] = [];
    const error = await rejection(
      backend.complete({ ...REQUEST, onDelta: ({ content }) => void deltas.push(content) }),
    );
    expect(error.code).toBe('policy_unavailable');
    expect(faulty.calls).toBe(1);
    expect(deltas).toEqual(['Your ord']);
    expect(record.fallbacks).toEqual([]);
  });

  it('streams the fallback message as the one delta of a degraded stream', async () => {
    const { backend, faulty } = setup();
    faulty.failAlways({ kind: 'error' });
    for (let i = 0; i < 3; i++) await backend.complete(REQUEST);
    const deltas: string[] = [];
    const completion = await backend.complete({
      ...REQUEST,
      onDelta: ({ content }) => void deltas.push(content),
    });
    expect(completion.degraded).toBe(true);
    expect(deltas).toEqual([FALLBACK]);
  });
});

describe('ResilientChatBackend: concurrency limit', () => {
  it('rejects with overloaded beyond capacity and admits again after a release', async () => {
    const { backend, faulty, record } = setup({ concurrency: { maxConcurrent: 1, retryAfterSeconds: 2 } });
    let release: () => void = () => {};
    faulty.failNext({ kind: 'hold', until: new Promise<void>((resolve) => (release = resolve)) });
    const first = backend.complete(REQUEST);
    expect(backend.inFlight).toBe(1);
    const refused = await rejection(backend.complete(REQUEST));
    expect(refused.code).toBe('overloaded');
    expect(refused.retryAfterSeconds).toBe(2);
    expect(record.rejected).toEqual([2]);
    release();
    expect((await first).degraded).toBeUndefined();
    expect(backend.inFlight).toBe(0);
    expect((await backend.complete(REQUEST)).degraded).toBeUndefined();
    expect(record.outcomes).toEqual(['rejected', 'success', 'success']);
    expect(backend.breakerState, 'a refusal is not a backend failure').toBe('closed');
  });
});
