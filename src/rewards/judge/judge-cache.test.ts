import { describe, expect, it } from 'vitest';
import { createJudgeCache, judgeCacheKey } from './judge-cache.js';

const input = { promptVersion: 1, model: 'm', rubric: 'r', conversations: ['a', 'b'] };

describe('judgeCacheKey', () => {
  it('changes with the model, rubric, prompt version and each conversation, including their order', () => {
    const key = judgeCacheKey(input);
    expect(key).toMatch(/^[0-9a-f]{64}$/);
    expect(judgeCacheKey({ ...input })).toBe(key);
    for (const changed of [
      { ...input, model: 'm2' },
      { ...input, rubric: 'r2' },
      { ...input, promptVersion: 2 },
      { ...input, conversations: ['b', 'a'] },
      { ...input, conversations: ['ab'] },
    ]) {
      expect(judgeCacheKey(changed)).not.toBe(key);
    }
  });
});

describe('createJudgeCache', () => {
  it('keeps at most maxEntries in memory, dropping the least recently stored', async () => {
    const cache = createJudgeCache({ maxEntries: 2 });
    const entry = (score: number) => ({ scores: [score], explanations: [''] });
    await cache.set('a', entry(0.1));
    await cache.set('b', entry(0.2));
    await cache.set('a', entry(0.3)); // refreshes a
    await cache.set('c', entry(0.4));
    expect(await cache.get('b')).toBeUndefined();
    expect(await cache.get('a')).toEqual(entry(0.3));
    expect(await cache.get('c')).toEqual(entry(0.4));
  });
});
