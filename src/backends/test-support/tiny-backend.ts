// Tiny models and temporary folders shared by the local backend's tests.

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import type { Rng } from '../../engine/random.js';
import { LanguageModel } from '../../models/language-model.js';

/** The tiny model shape every backend test uses. */
export const TINY = { vocabSize: 40, width: 16, layers: 2, heads: 4, mlpWidth: 32, contextLength: 32 };
/** The two model styles each test runs on. */
export const VARIANTS = {
  'GPT-2 style': {},
  'Llama style': {
    norm: 'rmsnorm',
    activation: 'swiglu',
    positions: 'rotary',
    tiedHead: false,
    bias: false,
    kvHeads: 2,
  },
} as const;

const tempDirs: string[] = [];
afterAll(async () => {
  await Promise.all(tempDirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

/** A temporary folder removed after the test file. */
export async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'local-backend-test-'));
  tempDirs.push(dir);
  return dir;
}

/** A tiny model of one style, single-threaded for determinism. */
export function tinyModel(
  variant: keyof typeof VARIANTS,
  seed: number,
  extra: Record<string, unknown> = {},
): LanguageModel {
  return new LanguageModel({ config: { ...TINY, ...VARIANTS[variant], ...extra }, seed, threads: 1 });
}

/** Random token sequences of the given lengths + 1 (so each yields a datum of that length). */
export function sequences(rng: Rng, lengths: readonly number[], vocabSize = TINY.vocabSize): number[][] {
  return lengths.map((n) => Array.from({ length: n + 1 }, () => rng.int(vocabSize)));
}

/** Ratios p/q the RL datums are built to have: inside, above and below the clip range [0.75, 1.25]. */
