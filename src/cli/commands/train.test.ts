import { existsSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LanguageModel } from '../../models/language-model.js';
import { saveReference } from '../../training/training-model.js';
import { runCliCaptured } from '../test-support/run-cli-captured.js';

const cli = (argv: readonly string[]) => runCliCaptured(argv);

const TINY = ['--model', '{"width":16,"layers":1,"heads":2,"mlpWidth":32}'];
const QUICK = ['--steps', '1', '--groups-per-step', '1', '--group-size', '2', '--max-new-tokens', '24'];
const QUICK_EVAL = ['--eval-episodes', '1', '--max-turns', '2'];

describe('stateset-agents train', () => {
  it('lists its flags, profiles and resume in --help', async () => {
    const { code, stdout } = await cli(['train', '--help']);
    expect(code).toBe(0);
    for (const flag of [
      '--profile <conservative|balanced|aggressive>',
      '--resume <string>',
      '--init-checkpoint <string>',
      '--group-size <integer>',
    ])
      expect(stdout).toContain(flag);
  });

  it('exits 1 naming the field for a configuration that cannot work', async () => {
    const { code, stderr } = await cli(['train', '--group-size', '1']);
    expect(code).toBe(1);
    expect(stderr).toContain(
      'error [invalid_config]: invalid training configuration: groupSize (--group-size): is 1 with scaleByStd',
    );
  });

  it('trains, writes the report, and resumes a finished run without training again', async () => {
    const runsDir = await mkdtemp(join(tmpdir(), 'train-cli-'));
    const first = await cli([
      'train',
      ...QUICK,
      ...QUICK_EVAL,
      ...TINY,
      '--runs-dir',
      runsDir,
      '--run-name',
      'r',
    ]);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toContain(`train: new run ${join(runsDir, 'r')}`);
    expect(first.stdout).toMatch(/step 1\/1 {2}reward [0-9.]+ {2}kl /);
    expect(first.stdout).toContain('finished 1 steps');
    expect(existsSync(join(runsDir, 'r', 'report.html'))).toBe(true);

    const again = await cli(['train', '--resume', join(runsDir, 'r')]);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('resuming');
    expect(again.stdout).toContain('after step 1 with its saved configuration');
    expect(again.stdout).not.toContain('step 1/1');

    const reuse = await cli(['train', ...QUICK, ...TINY, '--runs-dir', runsDir, '--run-name', 'r']);
    expect(reuse.code).toBe(1);
    expect(reuse.stderr).toContain('runName (--run-name)');
  }, 30_000);

  it('starts from --init-checkpoint, and refuses one of another vocabulary', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'train-init-'));
    const foreign = join(dir, 'foreign.safetensors');
    await saveReference(
      foreign,
      new LanguageModel({ config: { vocabSize: 40, width: 16, layers: 1, heads: 2, mlpWidth: 32 } }),
    );
    const refused = await cli(['train', ...QUICK, '--init-checkpoint', foreign, '--runs-dir', dir]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`error [checkpoint_mismatch]: ${foreign} has vocabulary 40`);

    const start = join(dir, 'start.safetensors');
    await saveReference(
      start,
      new LanguageModel({
        config: { vocabSize: 264, contextLength: 1024, width: 16, layers: 1, heads: 2, mlpWidth: 32 },
      }),
    );
    const run = await cli([
      'train',
      ...QUICK,
      '--eval-episodes',
      '0',
      '--init-checkpoint',
      start,
      '--runs-dir',
      dir,
    ]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('model: ');
    expect(run.stdout).toContain('(1 layers, width 16, context 1024)');
  }, 30_000);
});
