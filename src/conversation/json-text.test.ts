import { describe, expect, it } from 'vitest';
import { toJsonText } from './json-text.js';

describe('toJsonText', () => {
  it('spaces items and keys like json.dumps and keeps key order', () => {
    expect(toJsonText({ b: [1, 'x', true, null], a: { c: 2.5 } })).toBe(
      '{"b": [1, "x", true, null], "a": {"c": 2.5}}',
    );
    expect(toJsonText([])).toBe('[]');
    expect(toJsonText({})).toBe('{}');
  });

  it('drops undefined fields and writes non-finite numbers as null, as JSON.stringify does', () => {
    expect(toJsonText({ a: undefined, b: Number.NaN, c: [undefined] })).toBe('{"b": null, "c": [null]}');
  });

  it('escapes strings as JSON.stringify does', () => {
    expect(toJsonText('a"b\n€')).toBe(JSON.stringify('a"b\n€'));
  });
});
