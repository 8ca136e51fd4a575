import { appendFile, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readLatestMetrics } from './metrics-tail.js';

describe('readLatestMetrics', () => {
  it('reads the last complete line, skipping a line still being written', async () => {
    const path = join(await mkdtemp(join(tmpdir(), 'metrics-tail-')), 'metrics.jsonl');
    expect(await readLatestMetrics(path)).toBeUndefined();
    await writeFile(path, '');
    expect(await readLatestMetrics(path)).toBeUndefined();
    await appendFile(path, '{"step":1,"reward/mean":0.5}\n{"step":2,"reward/mean":0.75}\n{"step":3,"rew');
    expect(await readLatestMetrics(path)).toEqual({ step: 2, 'reward/mean': 0.75 });
    await appendFile(path, 'ard/mean":1}\nnot json\n\n');
    expect(await readLatestMetrics(path)).toEqual({ step: 3, 'reward/mean': 1 });
  });

  it('reads only the end of a long log', async () => {
    const path = join(await mkdtemp(join(tmpdir(), 'metrics-tail-')), 'metrics.jsonl');
    const padding = 'x'.repeat(200);
    const lines = Array.from({ length: 2000 }, (_, index) =>
      JSON.stringify({ step: index + 1, note: 0, padding }),
    );
    await writeFile(path, `${lines.join('\n')}\n`); // about 450 KB, past the 64 KB read window
    expect(await readLatestMetrics(path)).toMatchObject({ step: 2000 });
  });
});
