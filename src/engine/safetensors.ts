// Reads and writes the safetensors format (https://github.com/huggingface/safetensors): an 8-byte
// little-endian header length, a JSON header padded with spaces to 8 bytes, then raw little-endian
// data; every tensor's `data_offsets` count from the end of the header. Assumes a little-endian host.

import { CheckpointError } from '../errors.js';
import {
  SAFETENSORS_DTYPES,
  dtypeBytes,
  isSafetensorsDtype,
  type SafetensorsDtype,
  type SafetensorsTensor,
} from './safetensors-dtype.js';

/** The tensors and string metadata of a safetensors file. */
export type SafetensorsContents = {
  readonly tensors: Map<string, SafetensorsTensor>;
  readonly metadata: Record<string, string>;
};

/** Largest header accepted, as in the reference implementation: guards against absurd lengths. */
export const MAX_SAFETENSORS_HEADER_BYTES = 100_000_000;

const METADATA_KEY = '__metadata__';

type HeaderEntry = { dtype: SafetensorsDtype; shape: number[]; data_offsets: [number, number] };

/**
 * The bytes of a safetensors file holding `tensors` and `metadata`. Tensors are laid out widest
 * dtype first, then by name, as the reference writer does, so each is aligned to its element size.
 * Throws CheckpointError('invalid_argument') for a tensor whose dtype, shape or data disagree.
 */
export function writeSafetensors(
  tensors: Readonly<Record<string, SafetensorsTensor>> | ReadonlyMap<string, SafetensorsTensor>,
  metadata: Readonly<Record<string, string>> = {},
): Buffer {
  const entries = tensors instanceof Map ? [...tensors.entries()] : Object.entries(tensors);
  for (const [name, tensor] of entries) checkTensor(name, tensor);
  for (const [key, value] of Object.entries(metadata)) {
    if (typeof value !== 'string') {
      throw new CheckpointError('invalid_argument', `safetensors metadata "${key}" must be a string`);
    }
  }
  entries.sort(
    ([nameA, a], [nameB, b]) => dtypeBytes(b.dtype) - dtypeBytes(a.dtype) || (nameA < nameB ? -1 : 1),
  );

  const header: Record<string, unknown> = {};
  if (Object.keys(metadata).length > 0) header[METADATA_KEY] = { ...metadata };
  let offset = 0;
  for (const [name, tensor] of entries) {
    const end = offset + tensor.data.byteLength;
    header[name] = { dtype: tensor.dtype, shape: [...tensor.shape], data_offsets: [offset, end] };
    offset = end;
  }
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const headerBytes = Math.ceil(json.length / 8) * 8; // so the data starts 8-byte aligned
  const out = Buffer.alloc(8 + headerBytes + offset, 0x20);
  out.writeBigUInt64LE(BigInt(headerBytes), 0);
  json.copy(out, 8);
  let cursor = 8 + headerBytes;
  for (const [, tensor] of entries) {
    out.set(new Uint8Array(tensor.data.buffer, tensor.data.byteOffset, tensor.data.byteLength), cursor);
    cursor += tensor.data.byteLength;
  }
  return out;
}

function checkTensor(name: string, tensor: SafetensorsTensor): void {
  const fail = (problem: string) =>
    new CheckpointError('invalid_argument', `safetensors tensor "${name}": ${problem}`);
  if (name === '' || name === METADATA_KEY) throw fail('reserved or empty name');
  if (!isSafetensorsDtype(tensor.dtype)) throw fail(`unknown dtype ${String(tensor.dtype)}`);
  if (!isShape(tensor.shape)) throw fail(`invalid shape ${JSON.stringify(tensor.shape)}`);
  if (!(tensor.data instanceof SAFETENSORS_DTYPES[tensor.dtype].array)) {
    throw fail(`${tensor.dtype} data must be a ${SAFETENSORS_DTYPES[tensor.dtype].array.name}`);
  }
  const expected = elementCount(tensor.shape);
  if (tensor.data.length !== expected) {
    throw fail(
      `data has ${tensor.data.length} values but shape [${tensor.shape.join(', ')}] needs ${expected}`,
    );
  }
}

/**
 * The tensors and metadata of a safetensors file; each tensor's data is a fresh copy. Throws
 * CheckpointError('invalid_safetensors') naming the problem (and tensor) for a file that is
 * truncated, has a malformed header, an unknown dtype, offsets that are out of range, overlap or
 * leave gaps, or a byte length that does not match dtype × shape.
 */
export function readSafetensors(buffer: Uint8Array): SafetensorsContents {
  const fail = (problem: string) =>
    new CheckpointError('invalid_safetensors', `invalid safetensors file: ${problem}`);
  if (buffer.byteLength < 8)
    throw fail(`${buffer.byteLength} bytes is too short for the 8-byte header length`);
  const view = new DataView(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  const declared = view.getBigUint64(0, true);
  if (declared > BigInt(MAX_SAFETENSORS_HEADER_BYTES))
    throw fail(`header length ${declared} is over the limit`);
  if (declared > BigInt(buffer.byteLength - 8)) {
    throw fail(`header length ${declared} runs past the end of the ${buffer.byteLength}-byte file`);
  }
  const headerBytes = Number(declared);

  let header: unknown;
  try {
    header = JSON.parse(
      new TextDecoder('utf-8', { fatal: true }).decode(buffer.subarray(8, 8 + headerBytes)),
    );
  } catch (error) {
    throw new CheckpointError('invalid_safetensors', `invalid safetensors file: header is not valid JSON`, {
      cause: error,
    });
  }
  if (!isRecord(header)) throw fail('header is not a JSON object');

  const metadata = parseMetadata(header[METADATA_KEY], fail);
  const dataStart = 8 + headerBytes;
  const dataLength = buffer.byteLength - dataStart;
  const entries: [string, HeaderEntry][] = [];
  for (const [name, value] of Object.entries(header)) {
    if (name !== METADATA_KEY) entries.push([name, parseEntry(name, value, dataLength, fail)]);
  }

  entries.sort(
    ([, a], [, b]) => a.data_offsets[0] - b.data_offsets[0] || a.data_offsets[1] - b.data_offsets[1],
  );
  let expected = 0;
  for (const [name, entry] of entries) {
    const [begin, end] = entry.data_offsets;
    if (begin < expected)
      throw fail(`tensor "${name}" overlaps the previous tensor (begins at ${begin}, expected ${expected})`);
    if (begin > expected) throw fail(`gap of ${begin - expected} bytes before tensor "${name}"`);
    expected = end;
  }
  if (expected !== dataLength)
    throw fail(`${dataLength - expected} bytes after the last tensor are not described`);

  const tensors = new Map<string, SafetensorsTensor>();
  for (const [name, entry] of entries) {
    const start = buffer.byteOffset + dataStart + entry.data_offsets[0];
    const bytes = buffer.buffer.slice(start, buffer.byteOffset + dataStart + entry.data_offsets[1]);
    const data = new SAFETENSORS_DTYPES[entry.dtype].array(bytes as ArrayBuffer);
    tensors.set(name, { dtype: entry.dtype, shape: entry.shape, data } as SafetensorsTensor);
  }
  return { tensors, metadata };
}

function parseMetadata(value: unknown, fail: (problem: string) => Error): Record<string, string> {
  if (value === undefined) return {};
  if (!isRecord(value)) throw fail(`${METADATA_KEY} is not an object`);
  for (const [key, item] of Object.entries(value)) {
    if (typeof item !== 'string') throw fail(`${METADATA_KEY} value "${key}" is not a string`);
  }
  return { ...(value as Record<string, string>) };
}

function parseEntry(
  name: string,
  value: unknown,
  dataLength: number,
  fail: (problem: string) => Error,
): HeaderEntry {
  const problem = (text: string) => fail(`tensor "${name}": ${text}`);
  if (!isRecord(value)) throw problem('entry is not an object');
  const { dtype, shape, data_offsets: offsets } = value;
  if (typeof dtype !== 'string' || !isSafetensorsDtype(dtype))
    throw problem(`unknown dtype ${JSON.stringify(dtype)}`);
  if (!isShape(shape)) throw problem(`invalid shape ${JSON.stringify(shape)}`);
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isCount) || offsets[0] > offsets[1]) {
    throw problem(`invalid data_offsets ${JSON.stringify(offsets)}`);
  }
  const [begin, end] = offsets as [number, number];
  if (end > dataLength)
    throw problem(`data_offsets [${begin}, ${end}] run past the ${dataLength} data bytes`);
  const needed = elementCount(shape) * dtypeBytes(dtype);
  if (end - begin !== needed) {
    throw problem(`${end - begin} bytes but ${dtype} shape [${shape.join(', ')}] needs ${needed}`);
  }
  return { dtype, shape: [...shape], data_offsets: [begin, end] };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isCount(value: unknown): value is number {
  return Number.isSafeInteger(value) && (value as number) >= 0;
}

function isShape(value: unknown): value is number[] {
  return Array.isArray(value) && value.every(isCount);
}

function elementCount(shape: readonly number[]): number {
  return shape.reduce((product, dim) => product * dim, 1);
}
