// The judge's verdict cache: keyed by a SHA-256 of what the judge sees (prompt version, model,
// rubric, each conversation's text), kept in memory and, when a folder is given, as JSON files there.

import { createHash } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { writeFileAtomic } from '../../engine/atomic-file.js';
import { RewardError } from '../../errors.js';

/** A cached verdict: scores and explanations in the order of the trajectories as given. */
export type JudgeVerdictEntry = {
  readonly scores: readonly number[];
  readonly explanations: readonly string[];
};

/** What the cache key covers. */
export type JudgeCacheKeyInput = {
  readonly promptVersion: number;
  readonly model: string;
  readonly rubric: string;
  /** Each trajectory as the judge sees it, in input order. */
  readonly conversations: readonly string[];
};

/** Options of `createJudgeCache`. */
export type JudgeCacheOptions = {
  /** In-memory entries kept; the oldest go first. */
  readonly maxEntries: number;
  /** Folder of `<key>.json` files; absent keeps entries in memory only. */
  readonly directory?: string;
};

/** A verdict cache; `get` rejects with RewardError('judge_cache_corrupt') for a malformed file. */
export interface JudgeCache {
  get(key: string): Promise<JudgeVerdictEntry | undefined>;
  set(key: string, entry: JudgeVerdictEntry): Promise<void>;
}

const CacheFileSchema = z.object({
  version: z.literal(1),
  key: z.string(),
  scores: z.array(z.number().min(0).max(1)),
  explanations: z.array(z.string()),
});

/** Hex SHA-256 of the key input, as canonical JSON. */
export function judgeCacheKey(input: JudgeCacheKeyInput): string {
  const canonical = JSON.stringify([input.promptVersion, input.model, input.rubric, input.conversations]);
  return createHash('sha256').update(canonical).digest('hex');
}

/** A cache in memory, backed by `directory` when given (written atomically, read on a memory miss). */
export function createJudgeCache(options: JudgeCacheOptions): JudgeCache {
  const memory = new Map<string, JudgeVerdictEntry>();
  const remember = (key: string, entry: JudgeVerdictEntry) => {
    memory.delete(key);
    memory.set(key, entry);
    while (memory.size > options.maxEntries) memory.delete(memory.keys().next().value as string);
  };
  const { directory } = options;
  return {
    async get(key) {
      const inMemory = memory.get(key);
      if (inMemory !== undefined || directory === undefined) return inMemory;
      const fromDisk = await readEntry(join(directory, `${key}.json`), key);
      if (fromDisk !== undefined) remember(key, fromDisk);
      return fromDisk;
    },
    async set(key, entry) {
      remember(key, entry);
      if (directory === undefined) return;
      await mkdir(directory, { recursive: true });
      const file = { version: 1, key, scores: entry.scores, explanations: entry.explanations };
      await writeFileAtomic(join(directory, `${key}.json`), `${JSON.stringify(file)}\n`);
    },
  };
}

async function readEntry(path: string, key: string): Promise<JudgeVerdictEntry | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new RewardError('judge_cache_corrupt', `cannot read judge cache file ${path}`, { cause: error });
  }
  try {
    const file = CacheFileSchema.parse(JSON.parse(text));
    if (file.key !== key || file.scores.length !== file.explanations.length)
      throw new Error('key or lengths differ');
    return { scores: file.scores, explanations: file.explanations };
  } catch (error) {
    throw new RewardError(
      'judge_cache_corrupt',
      `judge cache file ${path} is not a valid entry; delete it to re-judge`,
      {
        cause: error,
      },
    );
  }
}
