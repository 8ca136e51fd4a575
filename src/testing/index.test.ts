import { describe, expect, it } from 'vitest';
import { LanguageModel, ModelError } from '../index.js';
import { OP_CASES, SCRIPTED_USAGE, startChatCompletionsServer, tinyModelConfig } from './index.js';

describe('stateset-agents/testing', () => {
  it('gives a tiny model config that builds a model and scores tokens', async () => {
    const model = new LanguageModel({ config: tinyModelConfig(), seed: 1 });
    const [logprobs] = await model.logprobs([[1, 2, 3, 4]]);
    expect(logprobs).toHaveLength(3);
    for (const logprob of logprobs) expect(logprob).toBeLessThan(0);
    await model.dispose();
  });

  it('applies overrides and validates them', () => {
    expect(tinyModelConfig({ norm: 'rmsnorm', vocabSize: 8 })).toMatchObject({
      norm: 'rmsnorm',
      vocabSize: 8,
      width: 16,
    });
    expect(() => tinyModelConfig({ heads: 3 })).toThrow(ModelError);
  });

  it('exports the op cases', () => {
    expect(OP_CASES.length).toBeGreaterThan(10);
  });

  it('exports a scripted chat-completions server that answers over loopback HTTP', async () => {
    const server = await startChatCompletionsServer({ queue: [{ kind: 'reply', content: 'hi' }] });
    try {
      const response = await fetch(`${server.baseURL}/chat/completions`, {
        method: 'POST',
        body: JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'hello' }] }),
      });
      const reply = (await response.json()) as {
        choices: { message: { content: string } }[];
        usage: unknown;
      };
      expect(reply.choices[0].message.content).toBe('hi');
      expect(reply.usage).toEqual(SCRIPTED_USAGE);
      expect(server.requests[0].body.messages).toEqual([{ role: 'user', content: 'hello' }]);
    } finally {
      await server.close();
    }
  });
});
