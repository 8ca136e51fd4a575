import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { JsonlTrajectoryStore } from '../../serving/stores/jsonl-trajectory-store.js';
import { sampleCapture } from '../../serving/stores/test-support/sample-capture.js';
import { runCliCaptured } from '../test-support/run-cli-captured.js';

const cli = (argv: readonly string[]) => runCliCaptured(argv);

describe('export then sft', () => {
  it('trains a tiny model for a step on each exported format', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'export-sft-'));
    const store = new JsonlTrajectoryStore({ path: join(dir, 'captured.jsonl') });
    for (const id of ['a', 'b', 'c']) await store.append(sampleCapture({ id, ratings: [1] }));
    await store.close();
    const tiny = ['--width', '16', '--layers', '1', '--heads', '2', '--context', '512', '--steps', '1'];
    for (const format of ['chat', 'trajectories']) {
      const data = join(dir, `${format}.jsonl`);
      expect(
        (await cli(['export', join(dir, 'captured.jsonl'), '--out', data, '--format', format])).code,
      ).toBe(0);
      const run = await cli(['sft', '--data', data, ...tiny, '--eval-episodes', '0', '--out', dir]);
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      expect(run.stdout).toContain(`on 3 conversations from ${data}`);
      expect(run.stdout).toMatch(/trained 1 steps?/);
    }
  });
});
