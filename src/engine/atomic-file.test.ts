import { mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CheckpointError } from '../errors.js';
import { writeFileAtomic } from './atomic-file.js';

function freshDirectory(): string {
  return mkdtempSync(join(tmpdir(), 'atomic-file-'));
}

async function failure(promise: Promise<void>): Promise<CheckpointError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(CheckpointError);
  expect((error as CheckpointError).code).toBe('file_write_failed');
  return error as CheckpointError;
}

describe('writeFileAtomic', () => {
  it('creates a file with the bytes given and leaves no temporary file', async () => {
    const directory = freshDirectory();
    const path = join(directory, 'weights.bin');
    await writeFileAtomic(path, Uint8Array.of(1, 2, 3));
    expect([...readFileSync(path)]).toEqual([1, 2, 3]);
    expect(readdirSync(directory)).toEqual(['weights.bin']);
  });

  it('replaces an existing file', async () => {
    const directory = freshDirectory();
    const path = join(directory, 'state.json');
    writeFileSync(path, 'old');
    await writeFileAtomic(path, '{"step": 2}');
    expect(readFileSync(path, 'utf8')).toBe('{"step": 2}');
    expect(readdirSync(directory)).toEqual(['state.json']);
  });

  it('writes chunks from sync and async iterables in order', async () => {
    const directory = freshDirectory();
    const path = join(directory, 'log.txt');
    await writeFileAtomic(path, ['a', Buffer.from('b'), 'c']);
    expect(readFileSync(path, 'utf8')).toBe('abc');
    async function* chunks() {
      yield 'x';
      yield Uint8Array.of(0x79);
    }
    await writeFileAtomic(path, chunks());
    expect(readFileSync(path, 'utf8')).toBe('xy');
  });

  it('keeps the previous file and removes the temporary one when the data throws mid-write', async () => {
    const directory = freshDirectory();
    const path = join(directory, 'model.safetensors');
    writeFileSync(path, 'previous');
    const cause = new Error('producer broke');
    async function* broken() {
      yield 'partial data that must never be seen';
      throw cause;
    }
    const error = await failure(writeFileAtomic(path, broken()));
    expect(error.cause).toBe(cause);
    expect(error.message).toMatch(/producer broke/);
    expect(readFileSync(path, 'utf8')).toBe('previous');
    expect(readdirSync(directory)).toEqual(['model.safetensors']);
  });

  it('fails when the directory is missing, creating nothing', async () => {
    const directory = freshDirectory();
    const error = await failure(writeFileAtomic(join(directory, 'absent', 'file.bin'), 'data'));
    expect((error.cause as NodeJS.ErrnoException).code).toBe('ENOENT');
    expect(readdirSync(directory)).toEqual([]);
  });

  it('fails when the target is a directory, leaving it and no temporary file behind', async () => {
    const directory = freshDirectory();
    const target = join(directory, 'checkpoint');
    mkdirSync(target);
    writeFileSync(join(target, 'inside.txt'), 'kept');
    await failure(writeFileAtomic(target, 'data'));
    expect(readdirSync(directory)).toEqual(['checkpoint']);
    expect(readFileSync(join(target, 'inside.txt'), 'utf8')).toBe('kept');
  });
});
