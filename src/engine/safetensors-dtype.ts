// Element types of the safetensors format (https://huggingface.co/docs/safetensors), their typed
// arrays, and conversion of F16, BF16 and F64 data to float32 (IEEE 754 binary16 and bfloat16).

import { CheckpointError } from '../errors.js';

/** Element type names as safetensors headers spell them. F16 and BF16 data are raw 16-bit patterns. */
export const SAFETENSORS_DTYPES = {
  BOOL: { bytes: 1, array: Uint8Array },
  U8: { bytes: 1, array: Uint8Array },
  I8: { bytes: 1, array: Int8Array },
  U16: { bytes: 2, array: Uint16Array },
  I16: { bytes: 2, array: Int16Array },
  F16: { bytes: 2, array: Uint16Array },
  BF16: { bytes: 2, array: Uint16Array },
  U32: { bytes: 4, array: Uint32Array },
  I32: { bytes: 4, array: Int32Array },
  F32: { bytes: 4, array: Float32Array },
  U64: { bytes: 8, array: BigUint64Array },
  I64: { bytes: 8, array: BigInt64Array },
  F64: { bytes: 8, array: Float64Array },
} as const;

/** A safetensors element type. */
export type SafetensorsDtype = keyof typeof SAFETENSORS_DTYPES;

type ArrayOfDtype = {
  BOOL: Uint8Array;
  U8: Uint8Array;
  I8: Int8Array;
  U16: Uint16Array;
  I16: Int16Array;
  F16: Uint16Array;
  BF16: Uint16Array;
  U32: Uint32Array;
  I32: Int32Array;
  F32: Float32Array;
  U64: BigUint64Array;
  I64: BigInt64Array;
  F64: Float64Array;
};

/** The typed array that holds data of dtype `D` (F16 and BF16: Uint16Array of bit patterns). */
export type SafetensorsArray<D extends SafetensorsDtype = SafetensorsDtype> = ArrayOfDtype[D];

/** One tensor of a safetensors file, row-major, `data.length` = product of `shape`. */
export type SafetensorsTensor = {
  [D in SafetensorsDtype]: {
    readonly dtype: D;
    readonly shape: readonly number[];
    readonly data: SafetensorsArray<D>;
  };
}[SafetensorsDtype];

/** True when `name` is a safetensors dtype this module reads and writes. */
export function isSafetensorsDtype(name: string): name is SafetensorsDtype {
  return Object.hasOwn(SAFETENSORS_DTYPES, name);
}

/** Bytes per element of `dtype`. */
export function dtypeBytes(dtype: SafetensorsDtype): number {
  return SAFETENSORS_DTYPES[dtype].bytes;
}

const F32_BITS = new Uint32Array(1);
const F32_VIEW = new Float32Array(F32_BITS.buffer);

/** The float32 value of an IEEE binary16 bit pattern (exact: every half is a float). */
export function float16BitsToFloat32(bits: number): number {
  const sign = (bits & 0x8000) << 16;
  const exponent = (bits >> 10) & 0x1f;
  let mantissa = bits & 0x3ff;
  if (exponent === 0x1f) {
    F32_BITS[0] = sign | 0x7f800000 | (mantissa << 13); // infinity or NaN, payload kept
  } else if (exponent !== 0) {
    F32_BITS[0] = sign | ((exponent + 112) << 23) | (mantissa << 13); // rebias 15 → 127
  } else if (mantissa === 0) {
    F32_BITS[0] = sign; // ±0
  } else {
    // Subnormal half: shift until the leading 1 is the implicit bit, lowering the exponent.
    let shifted = 0;
    while ((mantissa & 0x400) === 0) {
      mantissa <<= 1;
      shifted++;
    }
    F32_BITS[0] = sign | ((113 - shifted) << 23) | ((mantissa & 0x3ff) << 13);
  }
  return F32_VIEW[0];
}

/** The float32 value of a bfloat16 bit pattern: bfloat16 is the top half of a float32. */
export function bfloat16BitsToFloat32(bits: number): number {
  F32_BITS[0] = (bits & 0xffff) << 16;
  return F32_VIEW[0];
}

/** The bfloat16 bit pattern nearest to `value` (round to nearest even; NaN stays NaN). */
export function float32ToBfloat16Bits(value: number): number {
  F32_VIEW[0] = value;
  const bits = F32_BITS[0];
  if ((bits & 0x7f800000) === 0x7f800000 && (bits & 0x7fffff) !== 0) return ((bits >>> 16) | 0x40) & 0xffff;
  return ((bits + 0x7fff + ((bits >>> 16) & 1)) >>> 16) & 0xffff;
}

/**
 * The values of a floating-point tensor as float32: F32 is copied, F64 rounded, F16 and BF16 bit
 * patterns decoded. Other dtypes throw CheckpointError('dtype_mismatch').
 */
export function toFloat32(tensor: SafetensorsTensor): Float32Array {
  switch (tensor.dtype) {
    case 'F32':
      return Float32Array.from(tensor.data);
    case 'F64':
      return Float32Array.from(tensor.data);
    case 'F16':
      return Float32Array.from(tensor.data, float16BitsToFloat32);
    case 'BF16': {
      // bfloat16 is the top half of a float32: a shift per element, the same as bfloat16BitsToFloat32.
      const out = new Float32Array(tensor.data.length);
      const bits = new Uint32Array(out.buffer);
      for (let i = 0; i < bits.length; i++) bits[i] = tensor.data[i] << 16;
      return out;
    }
    default:
      throw new CheckpointError(
        'dtype_mismatch',
        `toFloat32: cannot convert ${tensor.dtype} data to float32`,
      );
  }
}
