import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runPaths } from '../../training/run-paths.js';
import { findLatestCheckpoint } from './find-latest-checkpoint.js';

const folders: string[] = [];
afterEach(() => {
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

function runsDir(): string {
  const folder = mkdtempSync(join(tmpdir(), 'latest-checkpoint-'));
  folders.push(folder);
  return folder;
}

/** Writes a file (its content does not matter here) with modification time `seconds`. */
function file(path: string, seconds: number): string {
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, 'weights');
  utimesSync(path, seconds, seconds);
  return path;
}

/** A `train` run folder whose latest.json points at step `step`, written at `seconds`. */
function trainRun(root: string, step: number, seconds: number): string {
  const paths = runPaths(root);
  const checkpoint = file(paths.stepCheckpoint(step), seconds);
  file(paths.stepCheckpoint(step - 1), seconds - 1);
  const pointer = {
    step,
    checkpoint: `checkpoints/step-${step}.safetensors`,
    earlyStopping: { best: null, evalsWithoutImprovement: 0 },
  };
  writeFileSync(paths.latest, JSON.stringify(pointer));
  return checkpoint;
}

describe('findLatestCheckpoint', () => {
  it('is undefined for a missing or empty runs folder', async () => {
    const runs = runsDir();
    await expect(findLatestCheckpoint(join(runs, 'missing'))).resolves.toBeUndefined();
    await expect(findLatestCheckpoint(runs)).resolves.toBeUndefined();
  });

  it("finds train's pointed checkpoint, sft's checkpoint, and quickstart's nested ones, newest first", async () => {
    const runs = runsDir();
    const train = trainRun(join(runs, 'train-20260101-000000'), 4, 1000);
    await expect(findLatestCheckpoint(runs)).resolves.toBe(train);
    const sft = file(join(runs, 'sft-20260102-000000', 'checkpoint.safetensors'), 2000);
    await expect(findLatestCheckpoint(runs)).resolves.toBe(sft);
    const quickstart = join(runs, 'quickstart-20260103-000000');
    file(join(quickstart, 'sft-20260103-000001', 'checkpoint.safetensors'), 3000);
    const grpo = trainRun(join(quickstart, 'grpo'), 7, 3100);
    await expect(findLatestCheckpoint(runs)).resolves.toBe(grpo);
  });

  it('passes over a run whose pointer is unreadable or names a missing file', async () => {
    const runs = runsDir();
    const sft = file(join(runs, 'sft-a', 'checkpoint.safetensors'), 1000);
    mkdirSync(join(runs, 'train-broken'));
    writeFileSync(join(runs, 'train-broken', 'latest.json'), '{ not json');
    const dangling = join(runs, 'train-dangling');
    mkdirSync(dangling);
    writeFileSync(
      join(dangling, 'latest.json'),
      JSON.stringify({
        step: 3,
        checkpoint: 'checkpoints/step-3.safetensors',
        earlyStopping: { best: null, evalsWithoutImprovement: 0 },
      }),
    );
    await expect(findLatestCheckpoint(runs)).resolves.toBe(sft);
  });
});
