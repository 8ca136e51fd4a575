// Crash-safe file replacement: write a temporary file beside the target, fsync it, rename it over the
// target, fsync the directory. Readers see the old file or the new one, never a partial one.

import { randomBytes } from 'node:crypto';
import { open, rename, rm, writeFile, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { CheckpointError } from '../errors.js';

/** What `writeFileAtomic` accepts: bytes, text, or chunks produced (possibly asynchronously) while writing. */
export type AtomicFileData =
  string | Uint8Array | Iterable<string | Uint8Array> | AsyncIterable<string | Uint8Array>;

/** Error codes of a directory that cannot be fsynced on this platform (Windows, some network file systems). */
const UNSYNCABLE_DIRECTORY = new Set(['EISDIR', 'EINVAL', 'EPERM', 'EBADF', 'ENOTSUP']);

/**
 * Replaces the file at `path` with `data` atomically. On any failure (missing directory, a data
 * iterable that throws, a full disk) the temporary file is removed, the previous file is left as it
 * was, and the promise rejects with CheckpointError('file_write_failed') keeping the cause.
 */
export async function writeFileAtomic(path: string, data: AtomicFileData): Promise<void> {
  const directory = dirname(path);
  const temporary = join(
    directory,
    `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`,
  );
  let handle: FileHandle | undefined;
  try {
    handle = await open(temporary, 'wx');
    await writeFile(handle, data); // the function form also takes iterables of chunks
    await handle.sync();
    await handle.close();
    handle = undefined;
    await rename(temporary, path);
  } catch (error) {
    await handle?.close().catch(() => undefined);
    await rm(temporary, { force: true });
    throw new CheckpointError('file_write_failed', `could not write ${path}: ${describe(error)}`, {
      cause: error,
    });
  }
  await syncDirectory(directory, path);
}

async function syncDirectory(directory: string, path: string): Promise<void> {
  let handle: FileHandle | undefined;
  try {
    handle = await open(directory, 'r');
    await handle.sync(); // makes the rename itself durable
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === undefined || !UNSYNCABLE_DIRECTORY.has(code)) {
      throw new CheckpointError('file_write_failed', `wrote ${path} but could not fsync ${directory}`, {
        cause: error,
      });
    }
  } finally {
    await handle?.close().catch(() => undefined);
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
