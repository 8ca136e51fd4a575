import { describe, expect, it } from 'vitest';
import { CheckpointError } from '../errors.js';
import {
  bfloat16BitsToFloat32,
  dtypeBytes,
  float16BitsToFloat32,
  float32ToBfloat16Bits,
  isSafetensorsDtype,
  toFloat32,
} from './safetensors-dtype.js';

/** The obvious binary16 decoding, straight from IEEE 754: the reference for the bit-twiddling one. */
function referenceHalf(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const mantissa = bits & 0x3ff;
  if (exponent === 0x1f) return mantissa === 0 ? sign * Infinity : Number.NaN;
  if (exponent === 0) return sign * mantissa * 2 ** -24;
  return sign * (1 + mantissa / 1024) * 2 ** (exponent - 15);
}

describe('float16BitsToFloat32', () => {
  it('decodes known half values', () => {
    expect(float16BitsToFloat32(0x3c00)).toBe(1);
    expect(float16BitsToFloat32(0xc000)).toBe(-2);
    expect(float16BitsToFloat32(0x3555)).toBe(0.333251953125);
    expect(float16BitsToFloat32(0x7bff)).toBe(65504);
    expect(float16BitsToFloat32(0x0400)).toBe(2 ** -14);
    expect(float16BitsToFloat32(0x0001)).toBe(2 ** -24);
    expect(float16BitsToFloat32(0x03ff)).toBe(1023 * 2 ** -24);
    expect(Object.is(float16BitsToFloat32(0x8000), -0)).toBe(true);
    expect(float16BitsToFloat32(0x7c00)).toBe(Infinity);
    expect(float16BitsToFloat32(0xfc00)).toBe(-Infinity);
    expect(float16BitsToFloat32(0x7e00)).toBeNaN();
  });

  it('agrees with the IEEE formula on all 65536 bit patterns', () => {
    let mismatches = 0;
    for (let bits = 0; bits < 0x10000; bits++) {
      const fast = float16BitsToFloat32(bits);
      const slow = referenceHalf(bits);
      if (!(Object.is(fast, slow) || (Number.isNaN(fast) && Number.isNaN(slow)))) mismatches++;
    }
    expect(mismatches).toBe(0);
  });
});

describe('bfloat16', () => {
  it('decodes known bfloat16 values', () => {
    expect(bfloat16BitsToFloat32(0x3f80)).toBe(1);
    expect(bfloat16BitsToFloat32(0xc000)).toBe(-2);
    expect(bfloat16BitsToFloat32(0x4049)).toBe(3.140625);
    expect(bfloat16BitsToFloat32(0x0001)).toBe(2 ** -133);
    expect(bfloat16BitsToFloat32(0x7f80)).toBe(Infinity);
    expect(bfloat16BitsToFloat32(0x7fc0)).toBeNaN();
  });

  it('encodes floats rounding to nearest even', () => {
    expect(float32ToBfloat16Bits(1)).toBe(0x3f80);
    expect(float32ToBfloat16Bits(Math.PI)).toBe(0x4049);
    expect(float32ToBfloat16Bits(1.00390625)).toBe(0x3f80); // halfway, rounds down to even
    expect(float32ToBfloat16Bits(1.01171875)).toBe(0x3f82); // halfway, rounds up to even
    expect(float32ToBfloat16Bits(-2)).toBe(0xc000);
    expect(float32ToBfloat16Bits(3.4e38)).toBe(0x7f80); // overflows to infinity
    expect(bfloat16BitsToFloat32(float32ToBfloat16Bits(Number.NaN))).toBeNaN();
  });

  it('round-trips every finite bfloat16 pattern', () => {
    let mismatches = 0;
    for (let bits = 0; bits < 0x10000; bits++) {
      const value = bfloat16BitsToFloat32(bits);
      if (!Number.isNaN(value) && float32ToBfloat16Bits(value) !== bits) mismatches++;
    }
    expect(mismatches).toBe(0);
  });
});

describe('toFloat32', () => {
  it('converts F16, BF16, F64 and F32 tensors', () => {
    expect(toFloat32({ dtype: 'F16', shape: [2], data: Uint16Array.of(0x3c00, 0xc000) })).toEqual(
      Float32Array.of(1, -2),
    );
    expect(toFloat32({ dtype: 'BF16', shape: [2], data: Uint16Array.of(0x3f80, 0x4049) })).toEqual(
      Float32Array.of(1, 3.140625),
    );
    expect(toFloat32({ dtype: 'F64', shape: [1], data: Float64Array.of(0.1) })).toEqual(Float32Array.of(0.1));
    const source = Float32Array.of(1.5);
    const copy = toFloat32({ dtype: 'F32', shape: [1], data: source });
    expect(copy).toEqual(source);
    expect(copy).not.toBe(source);
  });

  it('decodes every BF16 bit pattern to the float32 whose top half it is', () => {
    const all = Uint16Array.from({ length: 65536 }, (_, i) => i);
    const decoded = new Uint32Array(toFloat32({ dtype: 'BF16', shape: [65536], data: all }).buffer);
    decoded.forEach((bits, i) => expect(bits).toBe(i * 65536));
  });

  it('refuses integer tensors with dtype_mismatch', () => {
    const convert = () => toFloat32({ dtype: 'I64', shape: [1], data: BigInt64Array.of(1n) });
    expect(convert).toThrow(CheckpointError);
    expect(convert).toThrow(expect.objectContaining({ code: 'dtype_mismatch' }));
  });
});

describe('dtype table', () => {
  it('knows the safetensors dtypes and their sizes', () => {
    expect(isSafetensorsDtype('BF16')).toBe(true);
    expect(isSafetensorsDtype('F8_E4M3')).toBe(false);
    expect(isSafetensorsDtype('toString')).toBe(false);
    expect([dtypeBytes('BOOL'), dtypeBytes('F16'), dtypeBytes('F32'), dtypeBytes('I64')]).toEqual([
      1, 2, 4, 8,
    ]);
  });
});
