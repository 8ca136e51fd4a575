import { describe, expect, it } from 'vitest';
import { CheckpointError } from '../errors.js';
import type { SafetensorsTensor } from './safetensors-dtype.js';
import { MAX_SAFETENSORS_HEADER_BYTES, readSafetensors, writeSafetensors } from './safetensors.js';

/** A file built by hand from the format description: length, space-padded JSON header, data. */
function handBuilt(header: object | string, data: number[], declaredLength?: number): Buffer {
  let json = typeof header === 'string' ? header : JSON.stringify(header);
  while (json.length % 8 !== 0) json += ' ';
  const prefix = Buffer.alloc(8);
  prefix.writeBigUInt64LE(BigInt(declaredLength ?? json.length));
  return Buffer.concat([prefix, Buffer.from(json), Buffer.from(data)]);
}

const ONE_AND_MINUS_TWO = [0x00, 0x00, 0x80, 0x3f, 0x00, 0x00, 0x00, 0xc0]; // float32 1, -2

function failure(bytes: Uint8Array): string {
  try {
    readSafetensors(bytes);
  } catch (error) {
    expect(error).toBeInstanceOf(CheckpointError);
    expect((error as CheckpointError).code).toBe('invalid_safetensors');
    return (error as Error).message;
  }
  throw new Error('expected readSafetensors to throw');
}

describe('readSafetensors', () => {
  it('reads a hand-built file', () => {
    const bytes = handBuilt(
      {
        __metadata__: { format: 'pt' },
        w: { dtype: 'F32', shape: [1, 2], data_offsets: [0, 8] },
        ids: { dtype: 'I64', shape: [1], data_offsets: [8, 16] },
      },
      [...ONE_AND_MINUS_TWO, 7, 0, 0, 0, 0, 0, 0, 0],
    );
    const { tensors, metadata } = readSafetensors(bytes);
    expect(metadata).toEqual({ format: 'pt' });
    expect(tensors.get('w')).toEqual({ dtype: 'F32', shape: [1, 2], data: Float32Array.of(1, -2) });
    expect(tensors.get('ids')).toEqual({ dtype: 'I64', shape: [1], data: BigInt64Array.of(7n) });
  });

  it('reads a file that lies at an odd offset inside a larger buffer', () => {
    const file = handBuilt({ w: { dtype: 'F32', shape: [2], data_offsets: [0, 8] } }, ONE_AND_MINUS_TWO);
    const outer = new Uint8Array(file.length + 3);
    outer.set(file, 3);
    expect(readSafetensors(outer.subarray(3)).tensors.get('w')?.data).toEqual(Float32Array.of(1, -2));
  });

  it('accepts scalars, empty tensors and a file with no tensors', () => {
    const bytes = handBuilt(
      {
        empty: { dtype: 'F32', shape: [0, 3], data_offsets: [0, 0] },
        s: { dtype: 'F32', shape: [], data_offsets: [0, 4] },
      },
      [0, 0, 0x80, 0x3f],
    );
    const { tensors } = readSafetensors(bytes);
    expect(tensors.get('s')?.data).toEqual(Float32Array.of(1));
    expect(tensors.get('empty')?.data).toEqual(new Float32Array(0));
    expect(readSafetensors(handBuilt({}, [])).tensors.size).toBe(0);
  });

  it('rejects a file shorter than the header length field', () => {
    expect(failure(new Uint8Array(5))).toMatch(/5 bytes is too short/);
  });

  it('rejects a header length beyond the end of the file', () => {
    expect(failure(handBuilt({}, [], 1000))).toMatch(/header length 1000 runs past the end/);
    const huge = Buffer.alloc(16);
    huge.writeBigUInt64LE(2n ** 63n);
    expect(failure(huge)).toMatch(/header length 9223372036854775808 is over the limit/);
    huge.writeBigUInt64LE(BigInt(MAX_SAFETENSORS_HEADER_BYTES + 1));
    expect(failure(huge)).toMatch(/is over the limit/);
  });

  it('rejects a header that is not JSON, not UTF-8 or not an object', () => {
    expect(failure(handBuilt('{"w": ', []))).toMatch(/header is not valid JSON/);
    const bytes = handBuilt('{"a":1} ', []);
    bytes[9] = 0xff;
    expect(failure(bytes)).toMatch(/header is not valid JSON/);
    expect(failure(handBuilt('[1, 2]', []))).toMatch(/header is not a JSON object/);
  });

  it('rejects malformed metadata', () => {
    expect(failure(handBuilt({ __metadata__: [] }, []))).toMatch(/__metadata__ is not an object/);
    expect(failure(handBuilt({ __metadata__: { epoch: 3 } }, []))).toMatch(
      /__metadata__ value "epoch" is not a string/,
    );
  });

  it('rejects malformed entries, naming the tensor', () => {
    const entry = (value: unknown) => failure(handBuilt({ w: value }, ONE_AND_MINUS_TWO));
    expect(entry(5)).toMatch(/tensor "w": entry is not an object/);
    expect(entry({ dtype: 'F8', shape: [2], data_offsets: [0, 8] })).toMatch(
      /tensor "w": unknown dtype "F8"/,
    );
    expect(entry({ dtype: 'F32', shape: [-2], data_offsets: [0, 8] })).toMatch(/tensor "w": invalid shape/);
    expect(entry({ dtype: 'F32', shape: 2, data_offsets: [0, 8] })).toMatch(/invalid shape/);
    expect(entry({ dtype: 'F32', shape: [2], data_offsets: [8, 0] })).toMatch(
      /tensor "w": invalid data_offsets/,
    );
    expect(entry({ dtype: 'F32', shape: [2], data_offsets: [0] })).toMatch(/invalid data_offsets/);
  });

  it('rejects offsets past the data', () => {
    const bytes = handBuilt({ w: { dtype: 'F32', shape: [4], data_offsets: [0, 16] } }, ONE_AND_MINUS_TWO);
    expect(failure(bytes)).toMatch(/tensor "w": data_offsets \[0, 16\] run past the 8 data bytes/);
  });

  it('rejects a byte length that does not match dtype × shape', () => {
    const bytes = handBuilt({ w: { dtype: 'F32', shape: [3], data_offsets: [0, 8] } }, ONE_AND_MINUS_TWO);
    expect(failure(bytes)).toMatch(/tensor "w": 8 bytes but F32 shape \[3\] needs 12/);
  });

  it('rejects overlapping tensors', () => {
    const bytes = handBuilt(
      {
        a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] },
        b: { dtype: 'F32', shape: [1], data_offsets: [4, 8] },
      },
      ONE_AND_MINUS_TWO,
    );
    expect(failure(bytes)).toMatch(/tensor "b" overlaps the previous tensor/);
  });

  it('rejects gaps between tensors and undescribed trailing bytes', () => {
    const gap = handBuilt({ b: { dtype: 'F32', shape: [1], data_offsets: [4, 8] } }, ONE_AND_MINUS_TWO);
    expect(failure(gap)).toMatch(/gap of 4 bytes before tensor "b"/);
    const trailing = handBuilt({ a: { dtype: 'F32', shape: [1], data_offsets: [0, 4] } }, ONE_AND_MINUS_TWO);
    expect(failure(trailing)).toMatch(/4 bytes after the last tensor are not described/);
  });
});

describe('writeSafetensors', () => {
  it('writes the bytes of the format, widest dtype first, header padded to 8 bytes', () => {
    const bytes = writeSafetensors(
      {
        w: { dtype: 'F32', shape: [2], data: Float32Array.of(1, -2) },
        ids: { dtype: 'I64', shape: [1], data: BigInt64Array.of(7n) },
      },
      { format: 'pt' },
    );
    const expectedHeader =
      '{"__metadata__":{"format":"pt"},' +
      '"ids":{"dtype":"I64","shape":[1],"data_offsets":[0,8]},' +
      '"w":{"dtype":"F32","shape":[2],"data_offsets":[8,16]}}';
    const headerLength = Math.ceil(expectedHeader.length / 8) * 8;
    expect(bytes.readBigUInt64LE(0)).toBe(BigInt(headerLength));
    expect(bytes.subarray(8, 8 + headerLength).toString()).toBe(expectedHeader.padEnd(headerLength, ' '));
    expect([...bytes.subarray(8 + headerLength)]).toEqual([7, 0, 0, 0, 0, 0, 0, 0, ...ONE_AND_MINUS_TWO]);
  });

  it('round-trips every dtype, shapes and metadata', () => {
    const tensors: Record<string, SafetensorsTensor> = {
      f32: { dtype: 'F32', shape: [2, 3], data: Float32Array.of(1, 2, 3, 4, 5, -6.5) },
      f64: { dtype: 'F64', shape: [1], data: Float64Array.of(Math.PI) },
      f16: { dtype: 'F16', shape: [2], data: Uint16Array.of(0x3c00, 0xc000) },
      bf16: { dtype: 'BF16', shape: [1, 1], data: Uint16Array.of(0x4049) },
      i64: { dtype: 'I64', shape: [3], data: BigInt64Array.of(-1n, 0n, 2n ** 40n) },
      u64: { dtype: 'U64', shape: [1], data: BigUint64Array.of(2n ** 63n) },
      i32: { dtype: 'I32', shape: [1], data: Int32Array.of(-5) },
      u32: { dtype: 'U32', shape: [1], data: Uint32Array.of(4e9) },
      i16: { dtype: 'I16', shape: [1], data: Int16Array.of(-300) },
      u16: { dtype: 'U16', shape: [1], data: Uint16Array.of(60000) },
      i8: { dtype: 'I8', shape: [2], data: Int8Array.of(-1, 1) },
      u8: { dtype: 'U8', shape: [1], data: Uint8Array.of(255) },
      mask: { dtype: 'BOOL', shape: [3], data: Uint8Array.of(1, 0, 1) },
      scalar: { dtype: 'F32', shape: [], data: Float32Array.of(0.25) },
      empty: { dtype: 'F32', shape: [0], data: new Float32Array(0) },
    };
    const { tensors: read, metadata } = readSafetensors(writeSafetensors(tensors, { step: '12' }));
    expect(metadata).toEqual({ step: '12' });
    expect(Object.fromEntries(read)).toEqual(tensors);
  });

  it('accepts a Map and data that is a view into a larger buffer', () => {
    const backing = Float32Array.of(9, 1, -2, 9);
    const bytes = writeSafetensors(
      new Map([['w', { dtype: 'F32', shape: [2], data: backing.subarray(1, 3) }]]),
    );
    expect(readSafetensors(bytes).tensors.get('w')?.data).toEqual(Float32Array.of(1, -2));
    expect(readSafetensors(bytes).metadata).toEqual({});
  });

  it('rejects tensors whose data, dtype, shape or name are wrong', () => {
    const write = (name: string, tensor: unknown, metadata?: Record<string, string>) => () =>
      writeSafetensors({ [name]: tensor as SafetensorsTensor }, metadata);
    const good = { dtype: 'F32', shape: [2], data: Float32Array.of(1, 2) };
    const cases: [() => unknown, RegExp][] = [
      [write('w', { ...good, shape: [3] }), /"w": data has 2 values but shape \[3\] needs 3/],
      [write('w', { ...good, data: Float64Array.of(1, 2) }), /"w": F32 data must be a Float32Array/],
      [write('w', { ...good, dtype: 'F8' }), /"w": unknown dtype F8/],
      [write('w', { ...good, shape: [1.5] }), /"w": invalid shape/],
      [write('__metadata__', good), /reserved or empty name/],
      [write('', good), /reserved or empty name/],
      [write('w', good, { step: 3 as unknown as string }), /metadata "step" must be a string/],
    ];
    for (const [run, message] of cases) {
      expect(run).toThrow(CheckpointError);
      expect(run).toThrow(expect.objectContaining({ code: 'invalid_argument' }));
      expect(run).toThrow(message);
    }
  });
});
