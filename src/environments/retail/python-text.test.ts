import { describe, expect, it } from 'vitest';
import { pythonSorted, pythonStringRepr } from './python-text.js';

describe('pythonStringRepr', () => {
  it('quotes as repr does', () => {
    expect(pythonStringRepr('gift_card_9')).toBe("'gift_card_9'");
    expect(pythonStringRepr("it's")).toBe('"it\'s"');
    expect(pythonStringRepr('it\'s "x"')).toBe("'it\\'s \"x\"'");
    expect(pythonStringRepr('a\\b\n\u0001é')).toBe("'a\\\\b\\n\\x01é'");
  });
});

describe('pythonSorted', () => {
  it('sorts by code point, unlike JavaScript (UTF-16 units)', () => {
    const strings = ['😀', '\uff01', 'b', 'a', '10', '9'];
    expect(pythonSorted(strings)).toEqual(['10', '9', 'a', 'b', '\uff01', '😀']);
    expect([...strings].sort()).toEqual(['10', '9', 'a', 'b', '😀', '\uff01']);
  });

  it('puts a prefix first', () => {
    expect(pythonSorted(['ab', 'a', ''])).toEqual(['', 'a', 'ab']);
  });
});
