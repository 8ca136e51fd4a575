// Where `export` reads captured conversations from: a JSONL file, a folder of them (in name order),
// or a Redis list.

import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigError } from '../../errors.js';
import type { InvalidLine } from '../../serving/stores/captured-conversation-json.js';
import { JsonlTrajectoryStore } from '../../serving/stores/jsonl-trajectory-store.js';
import { RedisTrajectoryStore } from '../../serving/stores/redis-trajectory-store.js';
import type { TrajectoryStore } from '../../serving/trajectory-store.js';

/** Options of `openExportSources`. */
export type ExportSourceOptions = {
  /** A JSONL file, a folder of *.jsonl files, or a redis:// (rediss://) URL. */
  readonly from: string;
  readonly redisKey: string;
  /** Where a malformed line goes when skipping; undefined: reading fails on it. */
  readonly onInvalidLine?: (where: string, invalid: InvalidLine) => void;
};

/** A store to read, and how to name it in messages. */
export type ExportSource = { readonly name: string; readonly store: TrajectoryStore };

/** The stores `from` names, in reading order. Throws ConfigError('invalid_config') when it names none. */
export async function openExportSources(options: ExportSourceOptions): Promise<ExportSource[]> {
  const { from, onInvalidLine } = options;
  const report = (name: string) =>
    onInvalidLine === undefined ? undefined : (invalid: InvalidLine) => onInvalidLine(name, invalid);
  if (/^rediss?:\/\//.test(from)) {
    const name = `${from} list ${options.redisKey}`;
    const store = new RedisTrajectoryStore({ url: from, key: options.redisKey, onInvalidLine: report(name) });
    return [{ name, store }];
  }
  const paths = await jsonlPaths(from);
  return paths.map((path) => ({
    name: path,
    store: new JsonlTrajectoryStore({ path, onInvalidLine: report(path) }),
  }));
}

async function jsonlPaths(from: string): Promise<string[]> {
  let isFolder: boolean;
  try {
    isFolder = (await stat(from)).isDirectory();
  } catch (error) {
    throw new ConfigError('invalid_config', `no trajectory store at ${from}`, { cause: error });
  }
  if (!isFolder) return [from];
  const names = (await readdir(from)).filter((name) => name.endsWith('.jsonl')).sort();
  if (names.length === 0) throw new ConfigError('invalid_config', `${from} holds no *.jsonl files`);
  return names.map((name) => join(from, name));
}
