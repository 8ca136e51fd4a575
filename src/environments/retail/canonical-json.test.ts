import { describe, expect, it } from 'vitest';
import { StatesetError } from '../../errors.js';
import { canonicalJson } from './canonical-json.js';

describe('canonicalJson (RFC 8785)', () => {
  it('sorts keys by UTF-16 code units, integer-like keys included, at every level', () => {
    // JavaScript enumerates "2" and "10" first, in numeric order; JCS sorts them as strings.
    const value = { b: 1, '10': 2, a: { z: true, '2': null }, '2': [3, { y: 1, x: 2 }], B: 'c' };
    expect(canonicalJson(value)).toBe('{"10":2,"2":[3,{"x":2,"y":1}],"B":"c","a":{"2":null,"z":true},"b":1}');
  });

  it('orders keys as the RFC 8785 example does (UTF-16, not code points)', () => {
    const keys = ['\u20ac', '\r', '\ufb33', '1', '\ud83d\ude00', '\u0080', '\u00f6'];
    const sorted = ['\r', '1', '\u0080', '\u00f6', '\u20ac', '\ud83d\ude00', '\ufb33'];
    const value = Object.fromEntries(keys.map((key) => [key, 0]));
    expect(canonicalJson(value)).toBe(`{${sorted.map((key) => `${JSON.stringify(key)}:0`).join(',')}}`);
  });

  it('prints numbers as ECMAScript does', () => {
    expect(
      canonicalJson([
        1e21,
        1e20,
        0.1,
        -0,
        247.0,
        1e-7,
        0.000001,
        Number('333333333.33333329'),
        1e30,
        4.5,
        2e-3,
        -5,
      ]),
    ).toBe('[1e+21,100000000000000000000,0.1,0,247,1e-7,0.000001,333333333.3333333,1e+30,4.5,0.002,-5]');
  });

  it('escapes strings as JSON.stringify does, keeping other unicode as is', () => {
    expect(canonicalJson('\u20ac$\u000f\nA\'B"\\\\"/')).toBe('"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"');
    expect(canonicalJson('é\u2028😀\u0000\t')).toBe('"é\u2028😀\\u0000\\t"');
    expect(canonicalJson('\ud800')).toBe('"\\ud800"');
  });

  it('matches the RFC 8785 sample', () => {
    const sample = {
      numbers: [Number('333333333.33333329'), 1e30, 4.5, 2e-3, 0.000000000000000000000000001],
      string: '\u20ac$\u000F\u000aA\'\u0042\u0022\u005c\\"/',
      literals: [null, true, false],
    };
    expect(canonicalJson(sample)).toBe(
      '{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}',
    );
  });

  it('refuses values JSON cannot hold', () => {
    for (const value of [NaN, Infinity, undefined, () => 1, 1n, { a: undefined }]) {
      expect(() => canonicalJson(value)).toThrow(StatesetError);
    }
    try {
      canonicalJson([Infinity]);
    } catch (error) {
      expect((error as StatesetError).code).toBe('environment_data_invalid');
    }
  });
});
