import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Message } from '../../conversation/messages.js';
import { Rng } from '../../engine/random.js';
import { saveCheckpoint } from '../../models/checkpoint.js';
import { LanguageModel } from '../../models/language-model.js';
import { ByteTokenizer } from '../../models/tokenizers/byte-tokenizer.js';
import { tinyModelConfig } from '../../testing/index.js';
import type { CompletionRequest } from '../chat-backend.js';
import { LocalChatBackend } from './local-chat-backend.js';

const tokenizer = new ByteTokenizer();
const CONTEXT = 256;
const MESSAGES: Message[] = [
  { role: 'system', content: 'Be brief.' },
  { role: 'user', content: 'hi' },
];

let folder: string;
let checkpoint: string;
let backend: LocalChatBackend;

beforeAll(async () => {
  folder = mkdtempSync(join(tmpdir(), 'local-chat-backend-'));
  checkpoint = join(folder, 'sft-20260101-000000', 'checkpoint.safetensors');
  const config = tinyModelConfig({
    vocabSize: tokenizer.vocabSize,
    contextLength: CONTEXT,
    layers: 1,
    initStd: 0.5,
  });
  const model = new LanguageModel({ config, seed: 11 });
  mkdirSync(join(checkpoint, '..'));
  await saveCheckpoint(checkpoint, {
    config: model.config,
    parameters: model.parameters,
    adam: new Map(),
    step: 0,
    rng: new Rng(0).getState(),
  });
  backend = new LocalChatBackend({ source: { checkpoint, threads: 1 }, modelId: 'tiny' });
});

afterAll(async () => {
  await backend.close();
  rmSync(folder, { recursive: true, force: true });
});

function request(overrides: Partial<CompletionRequest> = {}): CompletionRequest {
  return { messages: MESSAGES, sampling: { temperature: 1, maxTokens: 12, seed: 5 }, ...overrides };
}

describe('LocalChatBackend: loading', () => {
  it('is not ready while it loads, then serves the checkpoint', async () => {
    const fresh = new LocalChatBackend({ source: { checkpoint, threads: 1 } });
    expect(fresh.readiness()).toEqual({ ready: false, reason: `loading checkpoint ${checkpoint}` });
    await expect(fresh.whenLoaded()).resolves.toEqual({ ready: true });
    expect(fresh.checkpoint).toBe(checkpoint);
    expect(fresh.modelId).toBe('stateset-local');
    await fresh.close();
  });

  it('takes the newest checkpoint under a runs folder', async () => {
    const fromRuns = new LocalChatBackend({ source: { runsDir: folder, threads: 1 } });
    await expect(fromRuns.whenLoaded()).resolves.toEqual({ ready: true });
    expect(fromRuns.checkpoint).toBe(checkpoint);
    await fromRuns.close();
  });

  it('says why it cannot serve, and answers model_unavailable, when there is no checkpoint', async () => {
    const empty = join(folder, 'no-runs-here');
    const none = new LocalChatBackend({ source: { runsDir: empty } });
    const readiness = await none.whenLoaded();
    expect(readiness.ready).toBe(false);
    expect(!readiness.ready && readiness.reason).toContain(`no checkpoint under ${empty}`);
    await expect(none.complete(request())).rejects.toMatchObject({ code: 'model_unavailable' });
    const missing = new LocalChatBackend({ source: { checkpoint: join(folder, 'missing.safetensors') } });
    const broken = await missing.whenLoaded();
    expect(!broken.ready && broken.reason).toMatch(/missing\.safetensors did not load: no checkpoint at/);
    await Promise.all([none.close(), missing.close()]);
  });
});

describe('LocalChatBackend: completions', () => {
  it('is deterministic for a seed, with usage, logprobs and the token record', async () => {
    const first = await backend.complete(request({ logprobs: true }));
    const again = await backend.complete(request({ logprobs: true }));
    expect(again).toEqual(first);
    const other = await backend.complete(request({ sampling: { temperature: 1, maxTokens: 12, seed: 6 } }));
    expect(other.tokens?.completion).not.toEqual(first.tokens?.completion);
    const tokens = first.tokens!;
    expect(first.usage).toEqual({
      promptTokens: tokens.prompt.length,
      completionTokens: tokens.completion.length,
    });
    expect(first.logprobs).toHaveLength(tokens.completion.length);
    expect(first.logprobs?.map((entry) => entry.logprob)).toEqual(tokens.logprobs);
    expect(tokens.newSequence).toBe(true);
    expect(tokenizer.decode(tokens.prompt)).toBe('<|system|>Be brief.<|end|><|user|>hi<|end|><|assistant|>');
  });

  it('samples at most maxTokens, and no more than the context leaves', async () => {
    const short = await backend.complete(request({ sampling: { temperature: 1, maxTokens: 3, seed: 5 } }));
    expect(short.usage.completionTokens).toBeLessThanOrEqual(3);
    if (short.finishReason === 'length') expect(short.usage.completionTokens).toBe(3);
    const long = await backend.complete(
      request({ sampling: { temperature: 1, maxTokens: 10_000, seed: 5 } }),
    );
    expect(long.usage.promptTokens + long.usage.completionTokens).toBeLessThanOrEqual(CONTEXT);
  });

  it('ends at a stop string, leaving it out of the content', async () => {
    const plain = await backend.complete(request({ sampling: { temperature: 1, maxTokens: 40, seed: 8 } }));
    const content = plain.message.content;
    // A two-character piece of the reply, past its start, free of half-decoded bytes.
    const at = Array.from({ length: content.length }, (_, i) => i).find(
      (i) => i > 2 && i + 2 <= content.length && !content.slice(i, i + 2).includes('\uFFFD'),
    );
    expect(at, `no usable stop string in ${JSON.stringify(content)}`).toBeDefined();
    const stop = content.slice(at, at! + 2);
    const stopped = await backend.complete(
      request({ sampling: { temperature: 1, maxTokens: 40, seed: 8, stop: [stop] } }),
    );
    expect(stopped.message.content).toBe(content.slice(0, content.indexOf(stop)));
    expect(stopped.finishReason).toBe('stop');
    const sampled = stopped.tokens!.completion;
    expect(sampled.length).toBeLessThan(plain.tokens!.completion.length);
    expect(plain.tokens!.completion.slice(0, sampled.length)).toEqual(sampled);
  });

  it('streams deltas as tokens arrive that concatenate to the final content', async () => {
    const deltas: string[] = [];
    const streamed = await backend.complete(
      request({
        sampling: { temperature: 1, maxTokens: 30, seed: 9 },
        onDelta: ({ content }) => void deltas.push(content),
      }),
    );
    const plain = await backend.complete(request({ sampling: { temperature: 1, maxTokens: 30, seed: 9 } }));
    expect(deltas.length).toBeGreaterThan(1);
    expect(deltas.join('')).toBe(streamed.message.content);
    expect(streamed).toEqual(plain);
  });

  it('shares the batching sampler between concurrent requests without changing what each draws', async () => {
    const model = new LanguageModel({
      config: tinyModelConfig({ vocabSize: tokenizer.vocabSize, contextLength: 64, initStd: 0.5 }),
      seed: 3,
      threads: 1,
    });
    let prefills = 0;
    const graph = model.graph.bind(model);
    model.graph = (kind) => {
      if (kind === 'prefill') prefills++;
      return graph(kind);
    };
    const shared = new LocalChatBackend({ source: { model } });
    const seeds = [21, 22, 23];
    const alone = [];
    for (const seed of seeds)
      alone.push(await shared.complete(request({ sampling: { temperature: 1, maxTokens: 8, seed } })));
    expect(prefills).toBe(3);
    const together = await Promise.all(
      seeds.map((seed) => shared.complete(request({ sampling: { temperature: 1, maxTokens: 8, seed } }))),
    );
    expect(prefills, 'one batch served the three concurrent requests').toBe(4);
    expect(together.map((c) => c.tokens?.completion)).toEqual(alone.map((c) => c.tokens?.completion));
    await shared.close();
    await model.dispose();
  });

  it('describes tools in the system prompt as training does', async () => {
    const completion = await backend.complete(
      request({
        sampling: { temperature: 1, maxTokens: 2, seed: 1 },
        tools: [
          {
            name: 'get_order',
            description: 'Look up an order.',
            parameters: { type: 'object', properties: { order_id: {} } },
          },
        ],
      }),
    );
    const prompt = tokenizer.decode(completion.tokens!.prompt);
    expect(prompt).toContain('Be brief.\n\nTools:\nget_order(order_id): Look up an order.');
  });

  it('stops generating and fails with request_aborted when the caller aborts mid-stream', async () => {
    const controller = new AbortController();
    let deltas = 0;
    const pending = backend.complete(
      request({
        sampling: { temperature: 1, maxTokens: 60, seed: 9 },
        signal: controller.signal,
        onDelta: () => {
          deltas++;
          controller.abort(new Error('client left'));
        },
      }),
    );
    await expect(pending).rejects.toMatchObject({ code: 'request_aborted' });
    expect(deltas).toBe(1);
  });
});
