import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { ByteChatRenderer } from '../conversation/byte-chat-renderer.js';
import type { Message } from '../conversation/messages.js';
import { trajectoryToDatums } from '../conversation/trajectory-datum.js';
import type { TurnRecord } from '../conversation/trajectory.js';
import { LanguageModel } from '../models/language-model.js';
import { ByteTokenizer } from '../models/tokenizers/byte-tokenizer.js';
import { rendererTokenCounter } from './context-window.js';
import { LocalPolicy } from './local-policy.js';
import { MultiTurnAgent } from './multi-turn-agent.js';
import { OpenAICompatiblePolicy } from './openai-compatible-policy.js';
import {
  startChatCompletionsServer,
  type ChatCompletionsServer,
} from '../testing/chat-completions-server.js';

let stub: ChatCompletionsServer | undefined;
afterEach(async () => {
  await stub?.close();
  stub = undefined;
});

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
  seed: 4,
  threads: 1,
});
afterAll(() => model.dispose());

describe('MultiTurnAgent', () => {
  it('puts its system prompt before the conversation and answers with the policy', async () => {
    stub = await startChatCompletionsServer({ queue: [{ kind: 'reply', content: 'Hello!' }] });
    const agent = new MultiTurnAgent({
      policy: new OpenAICompatiblePolicy({ baseURL: stub.baseURL, model: 'm' }),
      systemPrompt: 'You are Acme support.',
    });
    const messages: Message[] = [
      { role: 'system', content: 'Policy: no refunds.' },
      { role: 'user', content: 'hi' },
    ];
    expect(await agent.act({ messages })).toEqual({ message: { role: 'assistant', content: 'Hello!' } });
    expect(stub.requests[0].body.messages).toEqual([
      { role: 'system', content: 'You are Acme support.\n\nPolicy: no refunds.' },
      { role: 'user', content: 'hi' },
    ]);
    expect(agent.name).toBe('multi-turn:openai:m');
  });

  it('drops the oldest turns beyond its context window', async () => {
    stub = await startChatCompletionsServer({ queue: [{ kind: 'reply', content: 'ok' }] });
    const agent = new MultiTurnAgent({
      policy: new OpenAICompatiblePolicy({ baseURL: stub.baseURL, model: 'm' }),
      contextWindow: { maxChars: 12 },
    });
    const messages: Message[] = [
      { role: 'system', content: 'S' },
      { role: 'user', content: 'first question' },
      { role: 'assistant', content: 'first answer' },
      { role: 'user', content: 'second' },
    ];
    await agent.act({ messages });
    expect(stub.requests[0].body.messages).toEqual([
      { role: 'system', content: 'S' },
      { role: 'user', content: 'second' },
    ]);
    expect(agent.promptMessages(messages)).toEqual([messages[0], messages[3]]);
  });

  it('with a local policy, re-renders a truncated context as a new token sequence', async () => {
    const policy = new LocalPolicy({ backend: model, renderer, sampling: { maxNewTokens: 6 }, seed: 9 });
    const agent = new MultiTurnAgent({
      policy,
      contextWindow: { maxTokens: 40, countTokens: rendererTokenCounter(renderer) },
    });
    const messages: Message[] = [{ role: 'user', content: 'a'.repeat(20) }];
    const turns: TurnRecord[] = [];
    for (let step = 0; step < 2; step++) {
      const turn = await agent.act({ messages });
      messages.push(turn.message);
      turns.push({ messageIndex: messages.length - 1, tokens: turn.tokens });
      messages.push({ role: 'user', content: 'b'.repeat(12) });
    }
    expect(turns[0].tokens!.newSequence).toBeUndefined();
    expect(turns[1].tokens!.newSequence).toBe(true);
    const trajectory = {
      id: 't',
      messages,
      turns,
      metadata: {
        seed: 0,
        scenarioId: 's',
        environment: 'e',
        stopReason: 'max_turns',
        startedAt: '',
        durationMs: 0,
        toolErrors: 0,
      },
    } as const;
    expect(trajectoryToDatums(trajectory)).toHaveLength(2);
  });

  it('forks its policy, so each fork has its own conversation state', async () => {
    const policy = new LocalPolicy({ backend: model, renderer, sampling: { maxNewTokens: 4 } });
    const agent = new MultiTurnAgent({ policy });
    const fork = agent.fork();
    await fork.act({ messages: [{ role: 'user', content: 'x' }] });
    expect(policy.tokens).toEqual([]);
    expect(fork.name).toBe(agent.name);
  });
});
