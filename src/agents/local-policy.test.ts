import { afterAll, describe, expect, it } from 'vitest';
import { LocalTrainingBackend } from '../backends/local-backend.js';
import { ByteChatRenderer } from '../conversation/byte-chat-renderer.js';
import type { Message } from '../conversation/messages.js';
import { LanguageModel } from '../models/language-model.js';
import { ByteTokenizer } from '../models/tokenizers/byte-tokenizer.js';
import { LocalPolicy } from './local-policy.js';

const tokenizer = new ByteTokenizer();
const renderer = new ByteChatRenderer({ tokenizer });
const model = new LanguageModel({
  config: {
    vocabSize: tokenizer.vocabSize,
    contextLength: 256,
    width: 32,
    layers: 1,
    heads: 2,
    mlpWidth: 64,
  },
  seed: 3,
  threads: 1,
});
afterAll(() => model.dispose());
const SAMPLING = { maxNewTokens: 8, temperature: 1 };
const OPENING: Message[] = [
  { role: 'system', content: 'S' },
  { role: 'user', content: 'hi' },
];

describe('LocalPolicy', () => {
  it('renders only what each turn adds and keeps the whole stream', async () => {
    const policy = new LocalPolicy({ backend: model, renderer, sampling: SAMPLING, seed: 1 });
    const first = await policy.generate({ messages: OPENING });
    const tokens = first.tokens!;
    expect(tokens.prompt).toEqual([
      ...renderer.renderMessages({ history: [], added: OPENING }),
      ...renderer.renderAssistantOpener({ history: OPENING }),
    ]);
    expect(tokens.completion.length).toBeGreaterThan(0);
    expect(tokens.logprobs).toHaveLength(tokens.completion.length);
    expect(tokens.newSequence).toBeUndefined();
    const next: Message[] = [...OPENING, first.message, { role: 'user', content: 'more' }];
    const second = await policy.generate({ messages: next });
    const closing = first.finishReason === 'length' ? [renderer.stopTokenIds[0]] : [];
    expect(second.tokens!.prompt).toEqual([
      ...closing,
      ...renderer.renderMessages({ history: [], added: [next[3]] }),
      ...renderer.renderAssistantOpener({ history: next }),
    ]);
    expect(policy.tokens).toEqual([
      ...tokens.prompt,
      ...tokens.completion,
      ...second.tokens!.prompt,
      ...second.tokens!.completion,
    ]);
  });

  it('samples the same with the same seed, and differently in each fork', async () => {
    const make = () => new LocalPolicy({ backend: model, renderer, sampling: SAMPLING, seed: 5 });
    const a = await make().generate({ messages: OPENING });
    const b = await make().generate({ messages: OPENING });
    expect(b.tokens).toEqual(a.tokens);
    const parent = make();
    const forks = await Promise.all(
      [parent.fork(), parent.fork()].map((fork) => fork.generate({ messages: OPENING })),
    );
    expect(forks[0].tokens!.completion).not.toEqual(forks[1].tokens!.completion);
    expect(parent.tokens).toEqual([]);
  });

  it('starts a new sequence when the conversation no longer continues its transcript', async () => {
    const policy = new LocalPolicy({ backend: model, renderer, sampling: SAMPLING });
    const first = await policy.generate({ messages: OPENING });
    const truncated: Message[] = [OPENING[0], first.message, { role: 'user', content: 'again' }];
    const second = await policy.generate({ messages: truncated });
    expect(second.tokens!.newSequence).toBe(true);
    expect(second.tokens!.prompt).toEqual([
      ...renderer.renderMessages({ history: [], added: truncated }),
      ...renderer.renderAssistantOpener({ history: truncated }),
    ]);
  });

  it('samples through a training backend too', async () => {
    const backend = new LocalTrainingBackend({ model, seed: 2 });
    const policy = new LocalPolicy({ backend, renderer, sampling: { ...SAMPLING, temperature: 0 } });
    const output = await policy.generate({ messages: OPENING });
    const direct = await new LocalPolicy({
      backend: model,
      renderer,
      sampling: { ...SAMPLING, temperature: 0 },
    }).generate({ messages: OPENING });
    expect(output.tokens).toEqual(direct.tokens);
    expect(['stop', 'length']).toContain(output.finishReason);
  });

  it('stops on an aborted signal, and refuses tools the renderer cannot show', async () => {
    const policy = new LocalPolicy({ backend: model, renderer, sampling: SAMPLING });
    await expect(policy.generate({ messages: OPENING, signal: AbortSignal.abort() })).rejects.toThrow(
      expect.objectContaining({ code: 'request_aborted' }),
    );
    expect(policy.supportsNativeTools).toBe(false);
    await expect(
      policy.generate({ messages: OPENING, tools: [{ name: 't', description: '', parameters: {} }] }),
    ).rejects.toThrow(expect.objectContaining({ code: 'invalid_argument' }));
  });
});
