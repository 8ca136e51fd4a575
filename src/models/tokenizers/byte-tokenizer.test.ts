import { describe, expect, it } from 'vitest';
import { TokenizerError } from '../../errors.js';
import { BYTE_VOCAB_SIZE, ByteTokenizer, DEFAULT_SPECIAL_TOKENS } from './byte-tokenizer.js';

const tokenizer = new ByteTokenizer();
const id = (token: string): number => tokenizer.specialTokens.get(token) as number;

describe('ByteTokenizer', () => {
  it('maps bytes to ids 0..255 and special tokens to 256 onwards', () => {
    expect(tokenizer.vocabSize).toBe(BYTE_VOCAB_SIZE + DEFAULT_SPECIAL_TOKENS.length);
    expect(tokenizer.encode('hé')).toEqual([104, 0xc3, 0xa9]);
    expect(tokenizer.bosTokenId).toBe(256);
    expect(tokenizer.eosTokenId).toBe(257);
    expect(tokenizer.padTokenId).toBe(258);
    expect(tokenizer.endOfTurnTokenId).toBe(263);
    expect(tokenizer.tokenId('<|user|>')).toBe(260);
    expect(tokenizer.tokenId('a')).toBe(97);
    expect(tokenizer.tokenId('é')).toBeUndefined();
  });

  it('round-trips text in any script', () => {
    const text = 'Order #42: naïve café — 注文 🚚\n\ttabs';
    expect(tokenizer.decode(tokenizer.encode(text))).toBe(text);
  });

  it('encodes special-token text as bytes unless allowSpecial is set', () => {
    const text = 'hi<|end|>';
    expect(tokenizer.encode(text)).toHaveLength(2 + '<|end|>'.length);
    expect(tokenizer.encode(text, { allowSpecial: true })).toEqual([104, 105, id('<|end|>')]);
    expect(tokenizer.encode('<|user|><|user|>', { allowSpecial: true })).toEqual([260, 260]);
  });

  it('prefers the longest special token when one is a prefix of another', () => {
    const custom = new ByteTokenizer({ specialTokens: ['<a>', '<a>b'] });
    expect(custom.encode('<a>b<a>', { allowSpecial: true })).toEqual([257, 256]);
  });

  it('adds BOS only when asked', () => {
    expect(tokenizer.encode('a', { addSpecialTokens: true })).toEqual([256, 97]);
    expect(tokenizer.encode('a')).toEqual([97]);
  });

  it('decodes special tokens, or skips them', () => {
    const ids = [id('<|user|>'), 104, 105, id('<|end|>')];
    expect(tokenizer.decode(ids)).toBe('<|user|>hi<|end|>');
    expect(tokenizer.decode(ids, { skipSpecialTokens: true })).toBe('hi');
  });

  it('turns unfinished UTF-8 at the end into U+FFFD instead of failing', () => {
    expect(tokenizer.decode([104, 0xe2, 0x82])).toBe('h\uFFFD');
    expect(tokenizer.decode([0xe2, id('<|end|>')])).toBe('\uFFFD<|end|>');
  });

  it('rejects ids outside the vocabulary, naming the id', () => {
    expect(() => tokenizer.decode([1, 9999])).toThrow(TokenizerError);
    expect(() => tokenizer.decode([9999])).toThrow(/9999/);
    expect(() => tokenizer.decode([-1])).toThrow(expect.objectContaining({ code: 'token_out_of_range' }));
    expect(() => tokenizer.decode([1.5])).toThrow(expect.objectContaining({ code: 'token_out_of_range' }));
  });

  it('streams text only for complete UTF-8 characters', () => {
    const decoder = tokenizer.createStreamDecoder();
    const euro = [...new TextEncoder().encode('€')]; // 3 bytes
    expect(decoder.push([97, euro[0]])).toBe('a');
    expect(decoder.push([euro[1]])).toBe('');
    expect(decoder.push([euro[2], 98])).toBe('€b');
    expect(decoder.push([0xf0, 0x9f])).toBe('');
    expect(decoder.flush()).toBe('\uFFFD');
    expect(decoder.push([99])).toBe('c');
  });

  it('streams the same text as a one-shot decode', () => {
    const ids = tokenizer.encode('<|assistant|>Ça coûte 5 €<|end|>', { allowSpecial: true });
    const decoder = tokenizer.createStreamDecoder({ skipSpecialTokens: true });
    let streamed = '';
    for (const tokenId of ids) streamed += decoder.push([tokenId]);
    streamed += decoder.flush();
    expect(streamed).toBe(tokenizer.decode(ids, { skipSpecialTokens: true }));
    expect(streamed).toBe('Ça coûte 5 €');
  });

  it('keeps held-back bytes when a pushed id is out of range', () => {
    const decoder = tokenizer.createStreamDecoder();
    expect(decoder.push([0xc3])).toBe('');
    expect(() => decoder.push([9999])).toThrow(TokenizerError);
    expect(decoder.push([0xa9])).toBe('é');
  });

  it('renders chats as <|role|>content<|end|> and adds the assistant header on request', () => {
    const messages = [
      { role: 'system', content: 'be brief' },
      { role: 'user', content: 'hi' },
    ];
    const text = tokenizer.applyChatTemplate(messages, { addGenerationPrompt: true });
    expect(text).toBe('<|system|>be brief<|end|><|user|>hi<|end|><|assistant|>');
    const ids = tokenizer.encode(text, { allowSpecial: true });
    expect(ids[0]).toBe(id('<|system|>'));
    expect(ids.at(-1)).toBe(id('<|assistant|>'));
    expect(tokenizer.applyChatTemplate(messages)).not.toContain('<|assistant|>');
  });

  it('rejects a chat role that has no special token', () => {
    expect(() => tokenizer.applyChatTemplate([{ role: 'narrator', content: 'x' }])).toThrow(
      expect.objectContaining({ code: 'invalid_argument' }),
    );
  });

  it('rejects invalid configurations', () => {
    const invalid = expect.objectContaining({ code: 'invalid_tokenizer' });
    expect(() => new ByteTokenizer({ specialTokens: ['<a>', '<a>'] })).toThrow(invalid);
    expect(() => new ByteTokenizer({ specialTokens: [''] })).toThrow(invalid);
    expect(() => new ByteTokenizer({ specialTokens: ['<a>'], eosToken: '<b>' })).toThrow(invalid);
    const bare = new ByteTokenizer({ specialTokens: [] });
    expect(bare.vocabSize).toBe(256);
    expect(bare.eosTokenId).toBeUndefined();
    expect(bare.encode('<|end|>', { allowSpecial: true })).toHaveLength(7);
    expect(() => bare.applyChatTemplate([])).toThrow(invalid);
  });
});
