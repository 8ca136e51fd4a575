// The default trajectory store: an append-only JSON Lines file, one captured conversation per line.
// Appends are serialised so lines never interleave; a torn last line left by a crash is closed off
// before the next append, so it stays one bad line that `read` names instead of corrupting the next.

import { constants } from 'node:fs';
import { access, type FileHandle, mkdir, open, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { CapturedConversation, TrajectoryStore } from '../trajectory-store.js';
import {
  capturedConversationJson,
  type InvalidLine,
  parseCapturedConversation,
} from './captured-conversation-json.js';
import { fileLines } from './file-lines.js';
import { StoreError } from './store-error.js';

/** Options of `JsonlTrajectoryStore`. */
export type JsonlTrajectoryStoreOptions = {
  /** The JSONL file (created with its folder on the first append). One writing process per file. */
  readonly path: string;
  /**
   * Called for each malformed line, which `read` then skips. Without it, `read` throws
   * StoreError('trajectory_store_corrupt') naming the file and line.
   */
  readonly onInvalidLine?: (invalid: InvalidLine) => void;
};

/** Captured conversations in one JSONL file. */
export class JsonlTrajectoryStore implements TrajectoryStore {
  readonly path: string;
  readonly #onInvalidLine: ((invalid: InvalidLine) => void) | undefined;
  /** The last queued write; each append waits for the one before it. */
  #queue: Promise<unknown> = Promise.resolve();
  #handle: Promise<FileHandle> | undefined;

  constructor(options: JsonlTrajectoryStoreOptions) {
    this.path = options.path;
    this.#onInvalidLine = options.onInvalidLine;
  }

  async append(record: CapturedConversation): Promise<void> {
    const line = `${capturedConversationJson(record)}\n`;
    // One appendFile per record, queued behind the previous one: lines never interleave.
    const written = this.#queue.then(async () => {
      const handle = await this.#open();
      await handle.appendFile(line, 'utf8');
    });
    this.#queue = written.catch(() => undefined);
    await written;
  }

  async *read(): AsyncIterable<CapturedConversation> {
    await this.#queue;
    if (!(await exists(this.path))) return;
    for await (const { line, text, terminated } of fileLines(this.path)) {
      if (text.trim().length === 0) continue;
      const parsed = parseCapturedConversation(text);
      if (parsed.ok) {
        yield parsed.value;
        continue;
      }
      const message = terminated
        ? parsed.error
        : `the last line has no newline, so a write was cut short (a crash?): ${parsed.error}`;
      if (this.#onInvalidLine === undefined) {
        throw new StoreError('trajectory_store_corrupt', `${this.path}:${line}: ${message}`);
      }
      this.#onInvalidLine({ line, message });
    }
  }

  async flush(): Promise<void> {
    await this.#queue;
    if (this.#handle !== undefined) await (await this.#handle).sync();
  }

  async ping(): Promise<void> {
    const folder = await nearestExisting(dirname(this.path));
    try {
      if (!(await stat(folder)).isDirectory()) throw new Error(`${folder} is not a folder`);
      await access(folder, constants.W_OK);
    } catch (error) {
      throw new StoreError('store_unavailable', `cannot write trajectories under ${folder}`, {
        cause: error,
      });
    }
  }

  async close(): Promise<void> {
    await this.flush();
    const handle = this.#handle;
    this.#handle = undefined;
    if (handle !== undefined) await (await handle).close();
  }

  /** Opens the file for appending once, ending a torn last line first. */
  #open(): Promise<FileHandle> {
    this.#handle ??= openForAppend(this.path).catch((error: unknown) => {
      this.#handle = undefined;
      throw new StoreError('store_unavailable', `cannot open ${this.path} for appending`, { cause: error });
    });
    return this.#handle;
  }
}

async function openForAppend(path: string): Promise<FileHandle> {
  await mkdir(dirname(path), { recursive: true });
  const handle = await open(path, 'a+');
  const { size } = await handle.stat();
  if (size > 0) {
    const last = Buffer.alloc(1);
    await handle.read(last, 0, 1, size - 1);
    if (last[0] !== 0x0a) await handle.appendFile('\n');
  }
  return handle;
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw new StoreError('store_unavailable', `cannot read ${path}`, { cause: error });
  }
}

/** `folder`, or the closest path above it that exists (where the first append will create it). */
async function nearestExisting(folder: string): Promise<string> {
  let current = folder;
  while (!(await exists(current)) && dirname(current) !== current) current = dirname(current);
  return current;
}
