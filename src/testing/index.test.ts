import { describe, expect, it } from 'vitest';
import { LanguageModel, ModelError } from '../index.js';
import { OP_CASES, tinyModelConfig } from './index.js';

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
});
