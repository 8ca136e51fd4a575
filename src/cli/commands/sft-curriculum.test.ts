import { describe, expect, it } from 'vitest';
import { ByteChatRenderer } from '../../conversation/byte-chat-renderer.js';
import { loadRetailData } from '../../environments/retail/retail-data.js';
import { createSupportLiteEnvironment } from '../../environments/support-lite/environment.js';
import { ORDER_ID_PATTERN } from '../../environments/support-lite/id-fragments.js';
import { generateDemonstrations } from '../../environments/support-lite/teacher-demonstrations.js';
import { retailDataDirForTests } from '../../environments/test-support/retail-test-data.js';
import { ByteTokenizer } from '../../models/tokenizers/byte-tokenizer.js';
import { curriculumLength, curriculumSequences } from './sft-curriculum.js';
import { SftConfigSchema } from './sft-config.js';

describe('copy curriculum', () => {
  it('fragments train every token after the first, carry no system prompt and no real order id', async () => {
    const { database } = await loadRetailData(retailDataDirForTests());
    const environment = createSupportLiteEnvironment({ database });
    const demonstrations = await generateDemonstrations({ environment, database, count: 6, seed: 2 });
    const tokenizer = new ByteTokenizer();
    const realIds = new Set(Object.values(database.orders).map((order) => order.order_id));
    const sequences = curriculumSequences({
      demonstrations: demonstrations.map((demonstration) => demonstration.trajectory),
      renderer: new ByteChatRenderer({ tokenizer }),
      seed: 0,
      realIds,
    });
    expect(sequences).toHaveLength(6);
    for (const sequence of sequences) {
      expect(sequence.mask[0]).toBe(0);
      expect(sequence.mask.slice(1).every((m) => m === 1)).toBe(true);
      const text = tokenizer.decode(sequence.tokens);
      expect(text).not.toContain('<|system|>');
      const ids = [...text.matchAll(ORDER_ID_PATTERN)].map((match) => match[0]);
      expect(ids.length).toBeGreaterThan(1);
      for (const id of ids) expect(realIds.has(id)).toBe(false);
    }
  });

  it('takes its share of the steps or the seconds, and names what is missing', () => {
    const config = (input: Record<string, unknown>) =>
      SftConfigSchema.parse({ curriculumShare: 0.25, ...input });
    expect(curriculumLength(config({ steps: 10 }))).toEqual({ steps: 3 });
    expect(curriculumLength(config({ seconds: 100 }))).toEqual({ maxSeconds: 25 });
    expect(() => curriculumLength(config({ epochs: 2 }))).toThrow(/needs --steps or --seconds/);
    expect(() => curriculumLength(config({ steps: 10, data: 'chat.jsonl' }))).toThrow(/drop --data/);
  });
});
