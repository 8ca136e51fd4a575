import { describe, expect, it } from 'vitest';
import { jsonDepth, parseGuardedJson } from './json-guard.js';

describe('jsonDepth', () => {
  it('counts nesting of arrays and objects, skipping brackets inside strings and escapes', () => {
    expect(jsonDepth('1', 10)).toBe(0);
    expect(jsonDepth('{"a":[1,{"b":2}]}', 10)).toBe(3);
    expect(jsonDepth('{"a":"[[[{{{\\"[["}', 10)).toBe(1);
  });

  it('stops scanning once past the limit', () => {
    expect(jsonDepth('['.repeat(1_000_000), 5)).toBe(6);
  });
});

describe('parseGuardedJson', () => {
  it('parses a body within the limits', () => {
    expect(parseGuardedJson('{"a":[{"b":1}]}', 3)).toEqual({ ok: true, value: { a: [{ b: 1 }] } });
  });

  it('refuses bodies nested deeper than the limit before parsing them', () => {
    const deep = '['.repeat(100_000) + ']'.repeat(100_000);
    expect(parseGuardedJson(deep, 32)).toEqual({ ok: false, error: 'JSON nests deeper than 32 levels' });
  });

  it.each(['__proto__', 'constructor', 'prototype'])('refuses the key %s anywhere', (key) => {
    const body = `{"a":[{"b":{"${key}":{"polluted":true}}}]}`;
    expect(parseGuardedJson(body, 32)).toEqual({ ok: false, error: `the key "${key}" is not allowed` });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('refuses empty and malformed text', () => {
    expect(parseGuardedJson('  ', 32)).toEqual({ ok: false, error: 'the body is empty; send a JSON object' });
    const bad = parseGuardedJson('{"a":', 32);
    expect(bad.ok).toBe(false);
    expect(!bad.ok && bad.error).toMatch(/^the body is not valid JSON/);
  });
});
