import { appendFile, mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { appendMetrics, readMetrics, truncateMetrics } from './metrics-log.js';

describe('metrics log', () => {
  it('appends JSON lines and reads them back; a missing file is an empty log', async () => {
    const path = join(await mkdtemp(join(tmpdir(), 'metrics-')), 'metrics.jsonl');
    expect(await readMetrics(path)).toEqual([]);
    await appendMetrics(path, { step: 1, 'reward/mean': 0.5 });
    await appendMetrics(path, { step: 2, 'reward/mean': 0.75 });
    expect(await readFile(path, 'utf8')).toBe(
      '{"step":1,"reward/mean":0.5}\n{"step":2,"reward/mean":0.75}\n',
    );
    expect(await readMetrics(path)).toEqual([
      { step: 1, 'reward/mean': 0.5 },
      { step: 2, 'reward/mean': 0.75 },
    ]);
  });

  it('refuses a non-finite value, naming the metric and step', async () => {
    const path = join(await mkdtemp(join(tmpdir(), 'metrics-')), 'metrics.jsonl');
    await expect(appendMetrics(path, { step: 3, 'loss/policy': Number.NaN })).rejects.toThrow(
      'metric loss/policy of step 3 is NaN',
    );
  });

  it('truncates to the checkpoint step, dropping later lines and a line cut short by a kill', async () => {
    const path = join(await mkdtemp(join(tmpdir(), 'metrics-')), 'metrics.jsonl');
    for (const step of [1, 2, 3]) await appendMetrics(path, { step, x: step });
    await appendFile(path, '{"step":4,"x":');
    await truncateMetrics(path, 2);
    expect(await readMetrics(path)).toEqual([
      { step: 1, x: 1 },
      { step: 2, x: 2 },
    ]);
  });
});
