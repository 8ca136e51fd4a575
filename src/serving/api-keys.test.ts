import { describe, expect, it } from 'vitest';
import { createApiKeyRing, hashApiKey, hasScope, parseRawApiKeys } from './api-keys.js';

describe('parseRawApiKeys', () => {
  it('hashes "id:key:scope+scope" entries, keys may hold colons', () => {
    expect(parseRawApiKeys(' a:k1:chat+train , b:x:y:admin,')).toEqual([
      { id: 'a', sha256: hashApiKey('k1'), scopes: ['chat', 'train'] },
      { id: 'b', sha256: hashApiKey('x:y'), scopes: ['admin'] },
    ]);
    expect(hashApiKey('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('names the bad entry without echoing its key', () => {
    expect(() => parseRawApiKeys('a:k1')).toThrow(/entry 1 is not "id:key:scopes"/);
    expect(() => parseRawApiKeys(':k1:chat')).toThrow(/entry 1/);
    expect(() => parseRawApiKeys('a::chat')).toThrow(/entry 1/);
    expect(() => parseRawApiKeys('a:secret:chat+fly')).toThrow(/API key "a": unknown scope\(s\) fly/);
    expect(() => parseRawApiKeys('a:secret:fly')).not.toThrow(/secret/);
  });
});

describe('createApiKeyRing', () => {
  it('authenticates by hash and refuses unknown keys', () => {
    const ring = createApiKeyRing({
      hashes: [{ id: 'h', sha256: hashApiKey('hashed'), scopes: ['train'] }],
      rawKeys: 'r:raw:chat',
    });
    expect(ring.open).toBe(false);
    expect(ring.authenticate('hashed')).toEqual({ keyId: 'h', scopes: ['train'] });
    expect(ring.authenticate('raw')).toEqual({ keyId: 'r', scopes: ['chat'] });
    expect(ring.authenticate('raw ')).toBeUndefined();
    expect(ring.authenticate('')).toBeUndefined();
  });

  it('is open with no keys, and refuses an id configured twice', () => {
    expect(createApiKeyRing({ hashes: [], rawKeys: '' }).open).toBe(true);
    expect(() => createApiKeyRing({ hashes: [], rawKeys: 'a:1:chat,a:2:chat' })).toThrow(
      /"a" is configured twice/,
    );
  });
});

describe('hasScope', () => {
  it('grants a listed scope, and every scope to admin', () => {
    expect(hasScope({ keyId: 'k', scopes: ['chat'] }, 'chat')).toBe(true);
    expect(hasScope({ keyId: 'k', scopes: ['chat'] }, 'train')).toBe(false);
    expect(hasScope({ keyId: 'k', scopes: ['admin'] }, 'train')).toBe(true);
  });
});
