// Bring your own Qwen2 model end to end: `sft --model DIR --lora-rank 2` fine-tunes a tiny Qwen2
// checkpoint (q/k/v biases, theta 1e6, tied head, vocab padded beyond the tokenizer) in exact Hugging
// Face layout with adapters on q/k/v, and the merged export reloads as Qwen2 computing the same.

import { mkdtempSync, readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCliCaptured } from '../../src/cli/test-support/run-cli-captured.js';
import { retailDataDirForTests } from '../../src/environments/test-support/retail-test-data.js';
import { loadHfModelDirectory } from '../../src/models/hf-model-directory.js';
import { loadLoraAdapter } from '../../src/models/peft-adapter-files.js';
import { writeHfLlamaFixture } from '../../src/models/test-support/hf-llama-fixture.js';
import { adaptedAndMergedLogprobs } from '../../src/models/test-support/merged-logprobs.js';

/** Merged weights against the adapter branch, float32, per token logprob. */
const MERGE_TOLERANCE = 2e-4;
const STEPS = 2;

const cli = (argv: readonly string[]) =>
  runCliCaptured(argv, { STATESET_TAU_RETAIL: retailDataDirForTests() });

let root: string;
let baseDir: string;
beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'hf-qwen2-e2e-'));
  baseDir = join(root, 'tiny-qwen2');
  await writeHfLlamaFixture({
    dir: baseDir,
    family: 'qwen2',
    kvHeads: 2,
    tied: true,
    ropeTheta: 1e6,
    vocabSize: 320,
    maxPositions: 2048,
    seed: 12,
  });
});
afterAll(() => rm(root, { recursive: true, force: true }));

describe('sft --model DIR --lora-rank 2 on a Qwen2 checkpoint', () => {
  it('trains q/k/v adapters, and the merged export reloads as Qwen2 with the same outputs', async () => {
    const run = await cli([
      'sft',
      '--model', baseDir,
      '--lora-rank', '2',
      '--lora-targets', 'q_proj,k_proj,v_proj',
      '--demos', '4',
      '--steps', String(STEPS),
      '--batch-size', '2',
      '--learning-rate', '1e-2',
      '--context', '1280',
      '--eval-episodes', '0',
      '--export-merged',
      '--threads', '1',
      '--out', root,
    ]); // prettier-ignore
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(
      /HF model .*tiny-qwen2 \(2 layers, width 32, 4\/2 heads, context 1280; LoRA r=2/,
    );
    const path = (label: string) => new RegExp(`^${label}: +(.+)$`, 'm').exec(run.stdout)![1];

    const losses = readFileSync(path('metrics'), 'utf8')
      .trim()
      .split('\n')
      .map((line) => (JSON.parse(line) as Record<string, number>)['loss/sft']);
    expect(losses).toHaveLength(STEPS);
    expect(losses.every(Number.isFinite)).toBe(true);

    const base = await loadHfModelDirectory(baseDir, { maxContextLength: 1280 });
    const adapter = await loadLoraAdapter(path('adapter'), base.config);
    const moved = [...adapter.parameters]
      .filter(([name]) => name.endsWith('lora_B.weight'))
      .every(([, data]) => data.some((value) => value !== 0));
    expect(moved, 'training moved every B off zero').toBe(true);

    const mergedDir = path('merged');
    const mergedConfig = JSON.parse(readFileSync(join(mergedDir, 'config.json'), 'utf8')) as Record<
      string,
      unknown
    >;
    expect(mergedConfig).toMatchObject({ model_type: 'qwen2', architectures: ['Qwen2ForCausalLM'] });
    const merged = await loadHfModelDirectory(mergedDir);
    expect(merged.config).toMatchObject({ qkvBias: true, vocabSize: 320, ropeTheta: 1e6, tiedHead: true });
    for (const name of ['layers.0.attn.q.bias', 'layers.1.attn.v.bias'])
      expect(merged.parameters.get(name), name).toEqual(base.parameters.get(name));

    const tokens = base.tokenizer.encode('<|im_start|>user\nWhere is my order #W1234?<|im_end|>\n');
    const logprobs = await adaptedAndMergedLogprobs({ base, adapter, merged, tokens });
    logprobs.adapted.forEach((value, t) =>
      expect(Math.abs(logprobs.merged[t] - value), `token ${t}`).toBeLessThan(MERGE_TOLERANCE),
    );
    expect(readFileSync(join(mergedDir, 'model.onnx')).length).toBeGreaterThan(100_000);
  });
});
