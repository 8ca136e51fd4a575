// GRPO's supervised term on a warm start's copy curriculum (--sft-curriculum): the fragments are
// rebuilt from a real sft run folder with the options its config.json records (fresh ids and
// facts, the copies weighed as the warm start weighed them), train logs the term on them, and a
// folder that is no sft run, or one without a curriculum, fails with an error that names it.

import { copyFileSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCliCaptured } from '../../src/cli/test-support/run-cli-captured.js';
import { ByteChatRenderer } from '../../src/conversation/byte-chat-renderer.js';
import { readTrajectoriesJsonl } from '../../src/conversation/trajectory-jsonl.js';
import type { RetailDatabase } from '../../src/environments/retail/retail-types.js';
import { ORDER_ID_PATTERN } from '../../src/environments/support-lite/id-fragments.js';
import {
  retailDataDirForTests,
  retailDataForTests,
} from '../../src/environments/test-support/retail-test-data.js';
import { ByteTokenizer } from '../../src/models/tokenizers/byte-tokenizer.js';
import { TRAINING_METRICS as M } from '../../src/training/metric-names.js';
import { readMetrics } from '../../src/training/metrics-log.js';
import { parseTrainingConfig } from '../../src/training/resolve-training-config.js';
import { loadCurriculumSequences } from '../../src/training/supervised-term.js';
import { tinyTrainingConfig } from '../../src/training/test-support/tiny-training-config.js';
import { runTraining } from '../../src/training/training-run.js';

const DEMOS = 12;
const dir = mkdtempSync(join(tmpdir(), 'train-sft-curriculum-'));
const renderer = new ByteChatRenderer({ tokenizer: new ByteTokenizer() });
let database: RetailDatabase;
/** demonstrations.jsonl of an sft run with a fact-varying copy curriculum, and of one without. */
let withCurriculum: string;
let withoutCurriculum: string;

async function sftRun(name: string, curriculum: readonly string[]): Promise<string> {
  const run = await runCliCaptured(
    [
      'sft',
      ...['--demos', String(DEMOS), '--mistake-rate', '0.7', '--mistake-pattern', 'habits'],
      ...['--width', '16', '--layers', '1', '--heads', '2', '--steps', '4', '--batch-size', '2'],
      ...['--eval-episodes', '0', '--threads', '1', '--seed', '5', '--out', join(dir, name)],
      ...curriculum,
    ],
    { STATESET_TAU_RETAIL: retailDataDirForTests() },
  );
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  return /^demos: +(.+)$/m.exec(run.stdout)![1];
}

beforeAll(async () => {
  database = (await retailDataForTests()).database;
  withCurriculum = await sftRun('curriculum', [
    ...['--curriculum-share', '0.5', '--curriculum-fragments', 'lookup+answer', '--curriculum-facts'],
    ...['--curriculum-status-swap', '--curriculum-copy-weight', '20', '--curriculum-fact-weight', '5'],
  ]);
  withoutCurriculum = await sftRun('plain', []);
}, 120_000);

const load = (path: string, seed = 0) =>
  loadCurriculumSequences({ path, renderer, database, seed, maxTokens: 4097 });

/** Three steps, with the context the demonstrations' conversations need. */
const config = (runName: string, extra: Record<string, unknown>) =>
  tinyTrainingConfig(dir, runName, {
    steps: 3,
    model: { contextLength: 1280, width: 32, layers: 1, heads: 2, mlpWidth: 64 },
    ...extra,
  });

describe('the copy curriculum of an sft run, as the supervised term', () => {
  it('rebuilds a lookup and an answer fragment per demonstration, with fresh ids, weighed as sft weighed them', async () => {
    const sequences = await load(withCurriculum);
    expect(sequences).toHaveLength(2 * DEMOS);
    const realIds = new Set(Object.values(database.orders).map((order) => order.order_id));
    const demonstrations = await readTrajectoriesJsonl({ path: withCurriculum });
    const demoText = JSON.stringify(demonstrations.map((demo) => demo.messages));
    // The demonstrations name real orders; the fragments never do: every id in them is drawn anew.
    expect([...demoText.matchAll(ORDER_ID_PATTERN)].some((match) => realIds.has(match[0]))).toBe(true);
    const texts = sequences.map((sequence) => renderer.tokenizer.decode(sequence.tokens));
    const ids = texts.flatMap((text) => [...text.matchAll(ORDER_ID_PATTERN)].map((match) => match[0]));
    expect(ids.length).toBeGreaterThan(DEMOS);
    expect(ids.filter((id) => realIds.has(id))).toEqual([]);
    // Answer fragments hold a tool result; copied id digits weigh 20, copied facts 5, as in the sft run.
    expect(texts.filter((text) => text.includes('| status: ')).length).toBeGreaterThanOrEqual(DEMOS / 2);
    const weights = new Set(sequences.flatMap((sequence) => sequence.mask));
    expect(weights).toContain(20);
    expect(weights).toContain(5);
    // The same seed rebuilds the same fragments; another seed draws other ids.
    expect(await load(withCurriculum)).toEqual(sequences);
    const other = (await load(withCurriculum, 1)).map((sequence) =>
      renderer.tokenizer.decode(sequence.tokens),
    );
    expect(other).not.toEqual(texts);
  });

  it('trains on them in every GRPO update and logs the term as loss/sft', async () => {
    const run = (name: string, sftCurriculum: boolean) =>
      runTraining({
        config: config(name, { sftData: withCurriculum, sftCoefficient: 2, sftBatchSize: 4, sftCurriculum }),
      }).then(({ paths }) => readMetrics(paths.metrics));
    const [fragments, conversations] = await Promise.all([
      run('fragments', true),
      run('conversations', false),
    ]);
    expect(fragments).toHaveLength(3);
    const nll = fragments.map((line) => line[M.lossSft]);
    for (const value of nll) expect(value).toBeGreaterThan(0);
    // The same run on the demonstrations themselves trains other tokens: another loss from step 1.
    expect(conversations[0][M.lossSft]).not.toBeCloseTo(nll[0], 3);
  });

  it('names the folder that is no sft run, and the run that had no curriculum', async () => {
    const lone = join(dir, 'lone');
    mkdirSync(lone);
    copyFileSync(withCurriculum, join(lone, 'demonstrations.jsonl'));
    await expect(load(join(lone, 'demonstrations.jsonl'))).rejects.toThrow(
      `sftCurriculum: cannot read ${join(lone, 'config.json')}; --sft-data must be the demonstrations.jsonl of an sft run folder`,
    );
    writeFileSync(join(lone, 'config.json'), JSON.stringify({ command: 'train', options: {} }));
    await expect(load(join(lone, 'demonstrations.jsonl'))).rejects.toThrow(
      `sftCurriculum: ${join(lone, 'config.json')} is not an sft run's config (command:`,
    );
    await expect(load(withoutCurriculum)).rejects.toThrow(
      'had no copy curriculum (curriculumShare 0); train it with --curriculum-share, or drop --sft-curriculum',
    );
    // train fails on it before its first step, with the same words.
    await expect(
      runTraining({
        config: config('no-curriculum', {
          sftData: withoutCurriculum,
          sftCoefficient: 1,
          sftCurriculum: true,
        }),
      }),
    ).rejects.toThrow('had no copy curriculum');
  });

  it('refuses --sft-curriculum without --sft-data, and on the retail environment', () => {
    const noData = parseTrainingConfig({ sftCurriculum: true });
    expect(noData.ok).toBe(false);
    if (!noData.ok)
      expect(noData.error.message).toContain(
        "sftCurriculum (--sft-curriculum): is on while sftData is empty: name an sft run's demonstrations.jsonl",
      );
    const retail = parseTrainingConfig({
      env: 'retail',
      sftCurriculum: true,
      sftData: withCurriculum,
      sftCoefficient: 1,
    });
    expect(retail.ok).toBe(false);
    if (!retail.ok)
      expect(retail.error.message).toContain(
        'sftCurriculum (--sft-curriculum): rebuilds a support-lite copy curriculum; env is retail',
      );
  });
});
