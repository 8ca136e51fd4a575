// Every gold action of τ-bench's retail train (500) and dev (20) tasks, replayed with our tools,
// against the original tools' results: each output (parsed when JSON) and the database hash.

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import { describe, expect, it } from 'vitest';
import { databaseHash } from '../../src/environments/retail/database-hash.js';
import { createDatabaseHasher } from '../../src/environments/retail/database-hasher.js';
import { findRetailDataDir } from '../../src/environments/retail/retail-data-dir.js';
import { freshDatabase, loadRetailData } from '../../src/environments/retail/retail-data.js';
import { replayActions, type ReplayAction } from '../../src/environments/retail/replay.js';

type Task = { readonly user_id: string; readonly actions: readonly ReplayAction[] };
type Expected = {
  readonly index: number;
  readonly actions: readonly ReplayAction[];
  readonly outputs: readonly string[];
  readonly db_hash: string;
};

const root = fileURLToPath(new URL('../../', import.meta.url));
const dataDir = findRetailDataDir({ root, env: process.env });
if (dataDir === undefined)
  throw new Error(`τ-bench retail data not found in or beside ${root}; set STATESET_TAU_RETAIL`);
const data = await loadRetailData(dataDir);
const hash = createDatabaseHasher(data.database);

async function readJson<T>(file: string): Promise<T> {
  return JSON.parse(await readFile(join(dataDir as string, file), 'utf8')) as T;
}

/** Expected JSON text compares parsed (Python prints `247.0` and `", "`); plain text compares exactly. */
function sameOutput(actual: string, expected: string): boolean {
  if (!expected.startsWith('{') && !expected.startsWith('[')) return actual === expected;
  try {
    return isDeepStrictEqual(JSON.parse(actual), JSON.parse(expected));
  } catch {
    return false;
  }
}

/** What replaying a split gave: tasks that match fully, a line per difference, outputs equal byte for byte. */
type SplitReplay = { matched: number; differences: string[]; identicalTexts: number; outputs: number };

/** Replays every task on a fresh database and compares with the original tools' results. */
function replayAll(tasks: readonly Task[], expected: readonly Expected[]): SplitReplay {
  const summary: SplitReplay = { matched: 0, differences: [], identicalTexts: 0, outputs: 0 };
  for (const [index, task] of tasks.entries()) {
    const result = replayActions(freshDatabase(data), task.actions, { hash });
    const want = expected[index];
    const bad = result.outputs.flatMap((output, step) =>
      sameOutput(output, want.outputs[step]) ? [] : [`task ${index} action ${step}: ${output.slice(0, 200)}`],
    );
    if (result.outputs.length !== want.outputs.length)
      bad.push(`task ${index}: ${result.outputs.length} outputs`);
    if (result.dbHash !== want.db_hash)
      bad.push(`task ${index}: db hash ${result.dbHash} != ${want.db_hash}`);
    summary.differences.push(...bad);
    if (bad.length === 0) summary.matched++;
    summary.outputs += result.outputs.length;
    summary.identicalTexts += result.outputs.filter((output, step) => output === want.outputs[step]).length;
  }
  return summary;
}

for (const split of ['dev', 'train'] as const) {
  describe(`τ-bench retail ${split} gold actions`, async () => {
    const tasks = await readJson<Task[]>(`tasks_${split}.json`);
    const expected = await readJson<Expected[]>(`expected/${split}.json`);

    it('has one expected result per task, for the same actions', () => {
      expect(tasks.length).toBe(split === 'dev' ? 20 : 500);
      expect(expected.map((entry) => entry.actions)).toEqual(tasks.map((task) => task.actions));
    });

    it('reproduces every output and the end database hash of every task', () => {
      const { matched, differences, identicalTexts, outputs } = replayAll(tasks, expected);
      expect(differences).toEqual([]);
      expect(matched).toBe(tasks.length);
      // Beyond the parsed comparison: these outputs are orders and error strings, which our
      // Python-style JSON prints byte for byte as json.dumps did.
      expect(identicalTexts).toBe(outputs);
    });
  });
}

describe('replaying gold actions', () => {
  it('gives identical outputs and hashes the second time (dev, and every fiftieth train task)', async () => {
    const dev = await readJson<Task[]>('tasks_dev.json');
    const train = await readJson<Task[]>('tasks_train.json');
    const sample = [...dev, ...train.filter((_, index) => index % 50 === 0)];
    for (const task of sample) {
      const first = replayActions(freshDatabase(data), task.actions, { hash });
      const second = replayActions(freshDatabase(data), task.actions, { hash });
      expect(second).toEqual(first);
    }
  });

  it('hashes with the fast hasher exactly as with databaseHash', async () => {
    const dev = await readJson<Task[]>('tasks_dev.json');
    for (const task of dev) {
      const database = freshDatabase(data);
      const { dbHash } = replayActions(database, task.actions, { hash });
      expect(dbHash).toBe(databaseHash(database));
    }
  });

  it('leaves the loaded data untouched', () => {
    expect(databaseHash(data.database)).toBe(
      'd991536bad97041c473ace12f4934d7bef3ce26b3ec29995b6dc9c8c0280157a',
    );
  });
});
