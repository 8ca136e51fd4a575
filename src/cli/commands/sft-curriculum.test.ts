import { describe, expect, it } from 'vitest';
import { SftConfigSchema } from './sft-config.js';
import { curriculumLength } from './sft-curriculum.js';

describe('curriculumLength', () => {
  it('takes its share of the steps or the seconds, and names what is missing', () => {
    const config = (input: Record<string, unknown>) =>
      SftConfigSchema.parse({ curriculumShare: 0.25, ...input });
    expect(curriculumLength(config({ steps: 10 }))).toEqual({ steps: 3 });
    expect(curriculumLength(config({ seconds: 100 }))).toEqual({ maxSeconds: 25 });
    expect(() => curriculumLength(config({ epochs: 2 }))).toThrow(/needs --steps or --seconds/);
    expect(() => curriculumLength(config({ steps: 10, data: 'chat.jsonl' }))).toThrow(/drop --data/);
  });
});
