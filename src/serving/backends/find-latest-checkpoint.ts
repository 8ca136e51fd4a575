// Finding the checkpoint to serve when none is configured: the newest one that `train`, `sft` or
// `quickstart` wrote under the runs folder.

import type { Dirent } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { CheckpointManager } from '../../training/checkpoint-manager.js';
import { runPaths } from '../../training/run-paths.js';

/** The file `sft` writes into its run folder. */
const SFT_CHECKPOINT = 'checkpoint.safetensors';
/** How deep run folders may sit below the runs folder (quickstart nests its sft and grpo runs). */
const MAX_DEPTH = 2;

/**
 * The newest checkpoint under `runsDir` by modification time: in each run folder (up to two levels
 * down), the one `latest.json` points at (train, quickstart's GRPO stage) or `checkpoint.safetensors`
 * (sft). Undefined when there is none or `runsDir` does not exist; a run whose pointer is unreadable
 * or points at a missing file is passed over.
 */
export async function findLatestCheckpoint(runsDir: string): Promise<string | undefined> {
  const candidates = await collect(runsDir, 0);
  let newest: { path: string; modified: number } | undefined;
  for (const path of candidates) {
    const modified = await modifiedAt(path);
    if (modified === undefined) continue;
    // Equal times (coarse clocks) go to the later path: run folders are named by their start time.
    if (
      newest === undefined ||
      modified > newest.modified ||
      (modified === newest.modified && path > newest.path)
    )
      newest = { path, modified };
  }
  return newest?.path;
}

/** Checkpoints of the run folder `folder` and of the folders below it, down to MAX_DEPTH. */
async function collect(folder: string, depth: number): Promise<string[]> {
  let entries: Dirent[];
  try {
    entries = await readdir(folder, { withFileTypes: true });
  } catch {
    return [];
  }
  const found: string[] = [];
  if (entries.some((entry) => entry.isFile() && entry.name === SFT_CHECKPOINT))
    found.push(join(folder, SFT_CHECKPOINT));
  if (entries.some((entry) => entry.isFile() && entry.name === 'latest.json')) {
    const pointed = await pointedCheckpoint(folder);
    if (pointed !== undefined) found.push(pointed);
  }
  if (depth < MAX_DEPTH) {
    for (const entry of entries.filter(
      (e) => e.isDirectory() && e.name !== 'checkpoints' && e.name !== 'samples',
    ))
      found.push(...(await collect(join(folder, entry.name), depth + 1)));
  }
  return found;
}

async function pointedCheckpoint(folder: string): Promise<string | undefined> {
  const manager = new CheckpointManager(runPaths(folder), 1);
  try {
    const pointer = await manager.readLatest();
    return pointer === undefined ? undefined : manager.checkpointPath(pointer);
  } catch {
    return undefined;
  }
}

async function modifiedAt(path: string): Promise<number | undefined> {
  try {
    const info = await stat(path);
    return info.isFile() ? info.mtimeMs : undefined;
  } catch {
    return undefined;
  }
}
