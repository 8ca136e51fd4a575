// Checkpoints of a run: `checkpoints/step-N.safetensors` (weights, AdamW moments, step, RNG) keeping
// the newest N, the best by evaluation success, and `latest.json` pointing at the newest with the
// trainer's own state. Every file is replaced atomically, and the pointer only after its checkpoint.

import { readdir, readFile, rm } from 'node:fs/promises';
import { basename, join, relative } from 'node:path';
import { z } from 'zod';
import type { TrainingBackend } from '../backends/training-backend.js';
import { writeFileAtomic } from '../engine/atomic-file.js';
import { CheckpointError } from '../errors.js';
import type { EarlyStoppingState } from './early-stopping.js';
import type { RunPaths } from './run-paths.js';

/** What `latest.json` holds: the newest checkpoint and the trainer state that goes with it. */
export type LatestPointer = {
  /** Steps finished when the checkpoint was written. */
  readonly step: number;
  /** The checkpoint, relative to the run folder. */
  readonly checkpoint: string;
  readonly earlyStopping: EarlyStoppingState;
  /** Why the run ended, once it has: 'completed' or 'early_stopping'. */
  readonly finished?: 'completed' | 'early_stopping';
};

const LatestPointerSchema = z.object({
  step: z.number().int().min(0),
  checkpoint: z.string().min(1),
  earlyStopping: z.object({
    best: z.object({ step: z.number().int(), successRate: z.number() }).nullable(),
    evalsWithoutImprovement: z.number().int().min(0),
  }),
  finished: z.enum(['completed', 'early_stopping']).optional(),
});

const STEP_FILE = /^step-(\d+)\.safetensors$/;

/** Saves, prunes and points at the checkpoints of one run. */
export class CheckpointManager {
  constructor(
    private readonly paths: RunPaths,
    private readonly keepLast: number,
  ) {}

  /** Saves the state after `step`, deletes step checkpoints beyond the newest `keepLast`, then moves the pointer. */
  async save(backend: TrainingBackend, pointer: Omit<LatestPointer, 'checkpoint'>): Promise<string> {
    const path = this.paths.stepCheckpoint(pointer.step);
    await backend.saveState(path);
    await writeJson(this.paths.latest, { ...pointer, checkpoint: relative(this.paths.root, path) });
    await this.prune();
    return path;
  }

  /** Saves the current state as the best checkpoint, with what it scored. */
  async saveBest(backend: TrainingBackend, info: Readonly<Record<string, unknown>>): Promise<void> {
    await backend.saveState(this.paths.best);
    await writeJson(this.paths.bestInfo, info);
  }

  /** The pointer of the run, or undefined when it has no checkpoint yet. */
  async readLatest(): Promise<LatestPointer | undefined> {
    let text: string;
    try {
      text = await readFile(this.paths.latest, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (error) {
      throw new CheckpointError('invalid_safetensors', `${this.paths.latest} is not JSON`, { cause: error });
    }
    const parsed = LatestPointerSchema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new CheckpointError(
        'invalid_safetensors',
        `${this.paths.latest}: ${issue.path.join('.') || '(root)'}: ${issue.message}`,
      );
    }
    return parsed.data;
  }

  /** Absolute path of a pointer's checkpoint. */
  checkpointPath(pointer: LatestPointer): string {
    return join(this.paths.root, pointer.checkpoint);
  }

  private async prune(): Promise<void> {
    const steps = (await readdir(this.paths.checkpoints))
      .map((name) => STEP_FILE.exec(basename(name)))
      .filter((match): match is RegExpExecArray => match !== null)
      .map((match) => Number(match[1]))
      .sort((a, b) => b - a);
    for (const step of steps.slice(this.keepLast)) await rm(this.paths.stepCheckpoint(step), { force: true });
  }
}

/** Writes pretty JSON with a trailing newline, atomically. */
export async function writeJson(path: string, value: unknown): Promise<void> {
  await writeFileAtomic(path, `${JSON.stringify(value, null, 2)}\n`);
}
