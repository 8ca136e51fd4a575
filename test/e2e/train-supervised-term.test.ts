// GRPO with the supervised term (--sft-data, --sft-coefficient) on support-lite with a tiny model:
// the term trains on the file's conversations (their NLL falls step by step, logged as loss/sft),
// runs without it log no such metric, and bad settings or files fail with errors that name them.

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TRAINING_METRICS as M } from '../../src/training/metric-names.js';
import { readMetrics } from '../../src/training/metrics-log.js';
import { parseTrainingConfig } from '../../src/training/resolve-training-config.js';
import { tinyTrainingConfig } from '../../src/training/test-support/tiny-training-config.js';
import { runTraining } from '../../src/training/training-run.js';

const dir = mkdtempSync(join(tmpdir(), 'train-supervised-'));
const DATA = join(dir, 'demos.jsonl');
writeFileSync(
  DATA,
  `${JSON.stringify({
    messages: [
      { role: 'user', content: 'What is the status of order #W2378156?' },
      {
        role: 'assistant',
        content: '',
        tool_calls: [
          {
            id: 'c0',
            type: 'function',
            function: { name: 'get_order_details', arguments: '{"order_id":"#W2378156"}' },
          },
        ],
      },
      { role: 'tool', tool_call_id: 'c0', content: 'order #W2378156 | status: delivered' },
      { role: 'assistant', content: 'Order #W2378156 is delivered.' },
    ],
  })}\n`,
);

const config = (runName: string, extra: Record<string, unknown>) => tinyTrainingConfig(dir, runName, extra);

describe('train with the supervised term', () => {
  it('lowers the NLL of the --sft-data conversations step by step and logs it as loss/sft', async () => {
    const { paths } = await runTraining({
      config: config('with-term', { sftData: DATA, sftCoefficient: 5, sftBatchSize: 2 }),
    });
    const lines = await readMetrics(paths.metrics);
    expect(lines).toHaveLength(4);
    const nll = lines.map((line) => line[M.lossSft]);
    for (const value of nll) expect(value).toBeGreaterThan(0);
    // One conversation, drawn twice each step: the same batch, so its loss can only fall by learning it.
    for (let step = 1; step < nll.length; step++) expect(nll[step]).toBeLessThan(nll[step - 1]);
    expect(nll[3]).toBeLessThan(0.8 * nll[0]);
    expect(lines.every((line) => line[M.lossPolicy] !== undefined)).toBe(true);
  });

  it('logs no loss/sft without it', async () => {
    const { paths } = await runTraining({ config: config('without-term', {}) });
    const lines = await readMetrics(paths.metrics);
    expect(lines).toHaveLength(4);
    expect(lines.some((line) => M.lossSft in line)).toBe(false);
  });

  it('fails before training on a file it cannot read, naming it', async () => {
    const missing = join(dir, 'missing.jsonl');
    await expect(
      runTraining({ config: config('missing-data', { sftData: missing, sftCoefficient: 1 }) }),
    ).rejects.toThrow(`cannot read chat dataset ${missing}`);
  });

  it('refuses a coefficient without data, and data without a coefficient, naming the flags', () => {
    const noData = parseTrainingConfig({ sftCoefficient: 0.5 });
    expect(noData.ok).toBe(false);
    if (!noData.ok)
      expect(noData.error.message).toContain('sftData (--sft-data): is empty while sftCoefficient is 0.5');
    const noWeight = parseTrainingConfig({ sftData: DATA });
    expect(noWeight.ok).toBe(false);
    if (!noWeight.ok)
      expect(noWeight.error.message).toContain(
        'sftCoefficient (--sft-coefficient): is 0 while sftData is set',
      );
  });
});
