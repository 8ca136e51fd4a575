import { describe, expect, it } from 'vitest';
import { pythonFloatRepr, pythonRound } from './python-float.js';

describe('pythonRound', () => {
  it('rounds the exact binary value, so 2.675 (really 2.67499…) goes down', () => {
    expect(pythonRound(2.675, 2)).toBe(2.67);
    expect(pythonRound(1.005, 2)).toBe(1);
    expect(pythonRound(98.16000000000031, 2)).toBe(98.16);
    expect(pythonRound(9.799999999999997, 2)).toBe(9.8);
  });

  it('breaks exact ties to even, like Python, not away from zero', () => {
    expect([0.125, 0.375, 0.625, 0.875, -0.125, 2.5].map((value) => pythonRound(value, 2))).toEqual([
      0.12, 0.38, 0.62, 0.88, -0.12, 2.5,
    ]);
    expect([0.5, 1.5, 2.5, -2.5].map((value) => pythonRound(value, 0))).toEqual([0, 2, 2, -2]);
  });

  it('keeps signs of zero, non-finite values and huge values', () => {
    expect(Object.is(pythonRound(-0.001, 2), -0)).toBe(true);
    expect(pythonRound(Infinity, 2)).toBe(Infinity);
    expect(pythonRound(NaN, 2)).toBeNaN();
    expect(pythonRound(1e300, 2)).toBe(1e300);
    expect(pythonRound(4503599627370495.5, 2)).toBe(4503599627370495.5);
  });
});

describe('pythonFloatRepr', () => {
  it.each([
    [247, '247.0'],
    [0.1, '0.1'],
    [-0, '-0.0'],
    [0, '0.0'],
    [1e16, '1e+16'],
    [9795241251741334, '9795241251741334.0'],
    [0.0001, '0.0001'],
    [0.00001, '1e-05'],
    [1.5e300, '1.5e+300'],
    [123456789012345680, '1.2345678901234568e+17'],
    [5e-324, '5e-324'],
    [6.9199999999999875, '6.9199999999999875'],
    [-1234.5, '-1234.5'],
    [Infinity, 'inf'],
    [-Infinity, '-inf'],
    [NaN, 'nan'],
  ])('prints %d as %s', (value, text) => {
    expect(pythonFloatRepr(value)).toBe(text);
  });
});
