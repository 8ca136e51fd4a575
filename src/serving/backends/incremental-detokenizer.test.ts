import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeHfLlamaFixture } from '../../models/test-support/hf-llama-fixture.js';
import { ByteTokenizer } from '../../models/tokenizers/byte-tokenizer.js';
import { loadHfTokenizer, type HfTokenizer } from '../../models/tokenizers/hf-tokenizer.js';
import type { Tokenizer } from '../../models/tokenizers/tokenizer.js';
import { IncrementalDetokenizer } from './incremental-detokenizer.js';

const TEXT = 'Prix: 12 € — naïve 日本 ✓ done';

let dir: string;
let hf: HfTokenizer;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'detokenizer-'));
  await writeHfLlamaFixture({ dir });
  hf = await loadHfTokenizer(dir);
});
afterAll(() => rm(dir, { recursive: true, force: true }));

/** Every text `push` returned, one per token. */
function stream(tokenizer: Tokenizer, ids: readonly number[]): string[] {
  const detokenizer = new IncrementalDetokenizer(tokenizer);
  return ids.map((id) => detokenizer.push(id));
}

describe('IncrementalDetokenizer', () => {
  it.each([
    ['the byte tokenizer', () => new ByteTokenizer()],
    ['a byte-level BPE tokenizer.json', () => hf],
  ])('grows to the full decode through %s, never showing half a character', (_, make) => {
    const tokenizer: Tokenizer = make();
    const ids = tokenizer.encode(TEXT);
    expect(ids.length).toBeGreaterThan([...TEXT].length); // multi-byte characters span several ids
    const texts = stream(tokenizer, ids);
    expect(texts.at(-1)).toBe(TEXT);
    for (let i = 0; i < texts.length; i++) {
      expect(texts[i]).not.toContain('\uFFFD');
      expect(TEXT.startsWith(texts[i]), `step ${i}: ${texts[i]}`).toBe(true);
      if (i > 0) expect(texts[i].startsWith(texts[i - 1])).toBe(true);
    }
    // Inside "€" (three bytes) the text waits, then shows the whole character.
    const euro = TEXT.indexOf('€');
    const before = tokenizer.encode(TEXT.slice(0, euro)).length;
    expect(texts.slice(before, before + 3)).toEqual([
      TEXT.slice(0, euro),
      TEXT.slice(0, euro),
      TEXT.slice(0, euro + 1),
    ]);
  });

  it('shows special tokens as their text, and an invalid byte once a later token settles it', () => {
    const end = hf.specialTokens.get('<|im_end|>')!;
    const ids = [...hf.encode('ok'), end, ...hf.encode('a')];
    expect(stream(hf, ids).at(-1)).toBe('ok<|im_end|>a');
    const bytes = new ByteTokenizer();
    // 0x80 alone is never valid UTF-8: held while it could be part of a character, shown once it cannot.
    expect(stream(bytes, [104, 0x80, 105])).toEqual(['h', 'h', 'h\uFFFDi']);
  });
});
