import { describe, expect, it } from 'vitest';
import { pythonJsonDumps, pythonJsonString } from './python-json.js';

describe('pythonJsonDumps', () => {
  it("uses Python's separators and keeps insertion order", () => {
    expect(pythonJsonDumps({ b: 1, a: [1, 'x', true, null], c: {} })).toBe(
      '{"b": 1, "a": [1, "x", true, null], "c": {}}',
    );
  });

  it('prints prices, amounts and price differences as floats, other whole numbers as ints', () => {
    expect(
      pythonJsonDumps({ price: 247, amount: 0.1, exchange_price_difference: -3, balance: 60, other: 2.5 }),
    ).toBe('{"price": 247.0, "amount": 0.1, "exchange_price_difference": -3.0, "balance": 60, "other": 2.5}');
    expect(pythonJsonDumps([1e21, NaN, -Infinity])).toBe('[1000000000000000000000, NaN, -Infinity]');
  });

  it('prints a Map as an object in its own order', () => {
    expect(
      pythonJsonDumps(
        new Map([
          ['10', 'a'],
          ['9', 'b'],
        ]),
      ),
    ).toBe('{"10": "a", "9": "b"}');
  });

  it('refuses values JSON cannot hold', () => {
    expect(() => pythonJsonDumps({ a: undefined })).toThrow(TypeError);
  });
});

describe('pythonJsonString', () => {
  it('escapes everything outside printable ASCII, as ensure_ascii does', () => {
    expect(pythonJsonString('é😀\u007f')).toBe('"\\u00e9\\ud83d\\ude00\\u007f"');
    expect(pythonJsonString('a"b\\c\n\r\t\b\f\u0001/')).toBe('"a\\"b\\\\c\\n\\r\\t\\b\\f\\u0001/"');
  });
});
