import { existsSync } from 'node:fs';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LocalTrainingBackend } from '../backends/local-backend.js';
import { loadCheckpoint } from '../models/checkpoint.js';
import { LanguageModel } from '../models/language-model.js';
import { CheckpointManager } from './checkpoint-manager.js';
import { INITIAL_EARLY_STOPPING } from './early-stopping.js';
import { createRunFolder } from './run-paths.js';

const TINY = { vocabSize: 40, contextLength: 16, width: 16, layers: 1, heads: 2, mlpWidth: 32 };

describe('CheckpointManager', () => {
  it('keeps the newest step checkpoints, points latest.json at the newest, and saves the best', async () => {
    const paths = createRunFolder({ runsDir: await mkdtemp(join(tmpdir(), 'checkpoints-')), runName: 'run' });
    const model = new LanguageModel({ config: TINY, seed: 1, threads: 1 });
    const backend = new LocalTrainingBackend({ model });
    const manager = new CheckpointManager(paths, 2);
    expect(await manager.readLatest()).toBeUndefined();
    for (const step of [1, 2, 3])
      await manager.save(backend, { step, earlyStopping: INITIAL_EARLY_STOPPING });
    expect([1, 2, 3].map((step) => existsSync(paths.stepCheckpoint(step)))).toEqual([false, true, true]);
    const latest = await manager.readLatest();
    expect(latest).toEqual({
      step: 3,
      checkpoint: join('checkpoints', 'step-3.safetensors'),
      earlyStopping: INITIAL_EARLY_STOPPING,
    });
    expect(
      (await loadCheckpoint(manager.checkpointPath(latest!), model.config)).parameters.size,
    ).toBeGreaterThan(0);

    await manager.saveBest(backend, { step: 3, 'eval/success_rate': 0.5 });
    expect(JSON.parse(await readFile(paths.bestInfo, 'utf8'))).toEqual({ step: 3, 'eval/success_rate': 0.5 });
    expect(existsSync(paths.best)).toBe(true);
    await model.dispose();
  });

  it('rejects a damaged pointer, naming the file and field', async () => {
    const paths = createRunFolder({ runsDir: await mkdtemp(join(tmpdir(), 'checkpoints-')), runName: 'run' });
    const manager = new CheckpointManager(paths, 1);
    await writeFile(paths.latest, JSON.stringify({ step: -1, checkpoint: 'x' }));
    await expect(manager.readLatest()).rejects.toThrow(`${paths.latest}: step`);
    await writeFile(paths.latest, '{');
    await expect(manager.readLatest()).rejects.toThrow('is not JSON');
  });
});

describe('createRunFolder', () => {
  it('refuses to reuse a named run folder that holds a run', async () => {
    const runsDir = await mkdtemp(join(tmpdir(), 'runs-'));
    const paths = createRunFolder({ runsDir, runName: 'run' });
    await writeFile(paths.config, '{}');
    expect(() => createRunFolder({ runsDir, runName: 'run' })).toThrow(/runName \(--run-name\): .* --resume/);
  });

  it('names unnamed runs by UTC time, never reusing one', async () => {
    const runsDir = await mkdtemp(join(tmpdir(), 'runs-'));
    const date = new Date('2025-03-04T05:06:07Z');
    expect(createRunFolder({ runsDir, runName: '', date }).root).toBe(join(runsDir, 'train-20250304-050607'));
    expect(createRunFolder({ runsDir, runName: '', date }).root).toBe(
      join(runsDir, 'train-20250304-050607-2'),
    );
  });
});
