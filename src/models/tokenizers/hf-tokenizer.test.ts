import { copyFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TokenizerError } from '../../errors.js';
import { loadHfTokenizer } from './hf-tokenizer.js';

const ANCHOR_ROOT = '/work/shared/anchors/hf-llama-tiny';
const ANCHOR_DIR = join(ANCHOR_ROOT, 'llama-tiny-gqa');

type AnchorCase = {
  readonly messages: { role: string; content: string }[];
  readonly prompt_ids: number[];
  readonly expected_ids: number[];
  readonly expected_text: string;
};
const anchors = JSON.parse(readFileSync(join(ANCHOR_ROOT, 'expected.json'), 'utf8')) as AnchorCase[];

describe('loadHfTokenizer on the tiny Llama anchor', () => {
  it('reproduces the reference prompt ids from the chat template', async () => {
    const tokenizer = await loadHfTokenizer(ANCHOR_DIR);
    for (const anchor of anchors) {
      const prompt = tokenizer.applyChatTemplate(anchor.messages, { addGenerationPrompt: true });
      expect(prompt).toBe('<|system|>be brief<|end|><|user|>where is my order<|end|><|assistant|>');
      expect(tokenizer.encode(prompt)).toEqual(anchor.prompt_ids);
    }
  });

  it('leaves the assistant header off without addGenerationPrompt', async () => {
    const tokenizer = await loadHfTokenizer(ANCHOR_DIR);
    const anchor = anchors[0];
    const ids = tokenizer.encode(tokenizer.applyChatTemplate(anchor.messages));
    expect(ids).toEqual(anchor.prompt_ids.slice(0, -1));
  });

  it('decodes the reference generation to the reference text', async () => {
    const tokenizer = await loadHfTokenizer(ANCHOR_DIR);
    for (const anchor of anchors) expect(tokenizer.decode(anchor.expected_ids)).toBe(anchor.expected_text);
  });

  it('exposes the vocabulary, special tokens and EOS from the config', async () => {
    const tokenizer = await loadHfTokenizer(ANCHOR_DIR);
    expect(tokenizer.vocabSize).toBe(260);
    expect(tokenizer.eosTokenId).toBe(259);
    expect(tokenizer.bosTokenId).toBeUndefined();
    expect([...tokenizer.specialTokens]).toEqual([
      ['<|system|>', 256],
      ['<|user|>', 257],
      ['<|assistant|>', 258],
      ['<|end|>', 259],
    ]);
    expect(tokenizer.tokenId('<|end|>')).toBe(259);
    expect(tokenizer.tokenId('no-such-token')).toBeUndefined();
  });

  it('round-trips text with spaces and non-ASCII characters, and skips special tokens on request', async () => {
    const tokenizer = await loadHfTokenizer(ANCHOR_DIR);
    const text = 'Ça coûte 5 € — ok';
    expect(tokenizer.decode(tokenizer.encode(text))).toBe(text);
    expect(tokenizer.decode([258, 104, 105, 259])).toBe('<|assistant|>hi<|end|>');
    expect(tokenizer.decode([258, 104, 105, 259], { skipSpecialTokens: true })).toBe('hi');
  });

  it('decodes no tokens to the empty string (a reply that is only its stop token)', async () => {
    const tokenizer = await loadHfTokenizer(ANCHOR_DIR);
    expect(tokenizer.decode([])).toBe('');
    expect(tokenizer.decode([259], { skipSpecialTokens: true })).toBe('');
  });

  it('rejects ids outside the vocabulary, naming the id', async () => {
    const tokenizer = await loadHfTokenizer(ANCHOR_DIR);
    expect(() => tokenizer.decode([1, 260])).toThrow(TokenizerError);
    expect(() => tokenizer.decode([260])).toThrow(/260/);
    expect(() => tokenizer.decode([-3])).toThrow(expect.objectContaining({ code: 'token_out_of_range' }));
  });
});

describe('loadHfTokenizer failures and variants', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hf-tokenizer-'));
    await copyFile(join(ANCHOR_DIR, 'tokenizer.json'), join(dir, 'tokenizer.json'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const writeConfig = (config: unknown): Promise<void> =>
    writeFile(join(dir, 'tokenizer_config.json'), JSON.stringify(config));

  it('names a missing tokenizer_config.json', async () => {
    await expect(loadHfTokenizer(dir)).rejects.toThrow(
      expect.objectContaining({
        code: 'invalid_tokenizer',
        message: expect.stringContaining('tokenizer_config.json'),
      }),
    );
  });

  it('names a missing tokenizer.json', async () => {
    await writeConfig({});
    await rm(join(dir, 'tokenizer.json'));
    await expect(loadHfTokenizer(dir)).rejects.toThrow(/tokenizer\.json/);
  });

  it('names a file that is not JSON', async () => {
    await writeFile(join(dir, 'tokenizer.json'), '{"version": ');
    await writeConfig({});
    await expect(loadHfTokenizer(dir)).rejects.toThrow(
      expect.objectContaining({
        code: 'invalid_tokenizer',
        message: expect.stringContaining('tokenizer.json'),
      }),
    );
  });

  it('rejects a config whose fields have the wrong type', async () => {
    await writeConfig({ chat_template: 42 });
    await expect(loadHfTokenizer(dir)).rejects.toThrow(
      expect.objectContaining({
        code: 'invalid_tokenizer',
        message: expect.stringContaining('tokenizer_config.json'),
      }),
    );
  });

  it('rejects a tokenizer.json the library cannot build', async () => {
    await writeFile(join(dir, 'tokenizer.json'), JSON.stringify({ model: { type: 'NoSuchModel' } }));
    await writeConfig({});
    await expect(loadHfTokenizer(dir)).rejects.toThrow(
      expect.objectContaining({ code: 'invalid_tokenizer' }),
    );
  });

  it('rejects a chat template that does not parse', async () => {
    await writeConfig({ chat_template: '{% for m in messages %}' });
    await expect(loadHfTokenizer(dir)).rejects.toThrow(
      expect.objectContaining({ code: 'invalid_tokenizer' }),
    );
  });

  it('fails to render without a chat template', async () => {
    await writeConfig({});
    const tokenizer = await loadHfTokenizer(dir);
    expect(() => tokenizer.applyChatTemplate([])).toThrow(
      expect.objectContaining({ code: 'invalid_tokenizer' }),
    );
  });

  it('reports a template that raises as invalid_argument', async () => {
    await writeConfig({ chat_template: "{{ raise_exception('roles must alternate') }}" });
    const tokenizer = await loadHfTokenizer(dir);
    expect(() => tokenizer.applyChatTemplate([])).toThrow(
      expect.objectContaining({
        code: 'invalid_argument',
        message: expect.stringContaining('roles must alternate'),
      }),
    );
  });

  it('passes AddedToken-object special tokens and uses the default of named templates', async () => {
    await writeConfig({
      bos_token: { content: '<|system|>', lstrip: false },
      eos_token: '<|end|>',
      chat_template: [
        { name: 'tool_use', template: 'wrong' },
        { name: 'default', template: '{{ bos_token }}{{ messages[0].content }}{{ eos_token }}' },
      ],
    });
    const tokenizer = await loadHfTokenizer(dir);
    expect(tokenizer.bosTokenId).toBe(256);
    expect(tokenizer.applyChatTemplate([{ role: 'user', content: 'x' }])).toBe('<|system|>x<|end|>');
  });

  it('reads chat_template.jinja when the config has no template', async () => {
    await writeConfig({});
    await writeFile(join(dir, 'chat_template.jinja'), '{% for m in messages %}[{{ m.role }}]{% endfor %}');
    const tokenizer = await loadHfTokenizer(dir);
    expect(tokenizer.applyChatTemplate([{ role: 'user', content: 'x' }])).toBe('[user]');
  });
});
