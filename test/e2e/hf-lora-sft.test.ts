// Bring your own model end to end: `sft --model DIR --lora-rank 4` fine-tunes a tiny Llama checkpoint
// in exact Hugging Face layout through its own chat template, writes a PEFT adapter and a merged export
// that compute the same thing, and `eval --model DIR --adapter …` plays the trained adapter.

import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCliCaptured } from '../../src/cli/test-support/run-cli-captured.js';
import { readSafetensors } from '../../src/engine/safetensors.js';
import { retailDataDirForTests } from '../../src/environments/test-support/retail-test-data.js';
import { loadHfModelDirectory } from '../../src/models/hf-model-directory.js';
import { loadLoraAdapter } from '../../src/models/peft-adapter-files.js';
import { writeHfLlamaFixture } from '../../src/models/test-support/hf-llama-fixture.js';
import { adaptedAndMergedLogprobs } from '../../src/models/test-support/merged-logprobs.js';

/** Merged weights against the adapter branch, float32, per token logprob. */
const MERGE_TOLERANCE = 2e-4;
const STEPS = 3;

const cli = (argv: readonly string[]) =>
  runCliCaptured(argv, { STATESET_TAU_RETAIL: retailDataDirForTests() });

const sha256 = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

let root: string;
let baseDir: string;
beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'hf-lora-e2e-'));
  baseDir = join(root, 'tiny-llama');
  await writeHfLlamaFixture({ dir: baseDir, kvHeads: 2, maxPositions: 2048, seed: 8 });
});

describe('sft --model DIR --lora-rank 4', () => {
  it('trains an adapter on support-lite demonstrations, saves it for PEFT, and exports the merged model', async () => {
    const weightsBefore = sha256(join(baseDir, 'model.safetensors'));
    const run = await cli([
      'sft',
      '--model', baseDir,
      '--lora-rank', '4',
      '--lora-alpha', '8',
      '--lora-targets', 'q_proj,v_proj,up_proj',
      '--demos', '6',
      '--steps', String(STEPS),
      '--batch-size', '2',
      '--learning-rate', '1e-2',
      '--context', '1280',
      '--eval-episodes', '2',
      '--max-new-tokens', '12',
      '--export-merged',
      '--threads', '1',
      '--out', root,
    ]); // prettier-ignore
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(
      /HF model .*tiny-llama \(2 layers, width 32, 4\/2 heads, context 1280; LoRA r=4 alpha=8/,
    );
    const path = (label: string) => new RegExp(`^${label}: +(.+)$`, 'm').exec(run.stdout)![1];

    const losses = readFileSync(path('metrics'), 'utf8')
      .trim()
      .split('\n')
      .map((line) => (JSON.parse(line) as Record<string, number>)['loss/sft']);
    expect(losses).toHaveLength(STEPS);
    expect(losses.every(Number.isFinite)).toBe(true);

    const saved = JSON.parse(readFileSync(path('config'), 'utf8')) as Record<string, unknown>;
    expect(saved).toMatchObject({ tokenizer: 'hf', renderer: 'hf-template', lora: { rank: 4, alpha: 8 } });

    // The checkpoint holds the adapter alone; the base weights were never written.
    const { tensors } = readSafetensors(readFileSync(path('checkpoint')));
    const params = [...tensors.keys()].filter((key) => key.startsWith('param/'));
    expect(params).toHaveLength(2 * 3 * 2);
    expect(params.every((key) => /lora_[AB]\.weight$/.test(key))).toBe(true);
    expect(sha256(join(baseDir, 'model.safetensors'))).toBe(weightsBefore);

    const adapterDir = path('adapter');
    const adapterConfig = JSON.parse(readFileSync(join(adapterDir, 'adapter_config.json'), 'utf8'));
    expect(adapterConfig).toMatchObject({
      peft_type: 'LORA',
      r: 4,
      lora_alpha: 8,
      target_modules: ['q_proj', 'v_proj', 'up_proj'],
      base_model_name_or_path: baseDir,
    });
    const base = await loadHfModelDirectory(baseDir, { maxContextLength: 1280 });
    const adapter = await loadLoraAdapter(adapterDir, base.config);
    const b = adapter.parameters.get('layers.1.mlp.up.lora_B.weight') as Float32Array;
    expect(
      b.some((value) => value !== 0),
      'training moved B off zero',
    ).toBe(true);

    // The merged export computes what base + adapter computes.
    const merged = await loadHfModelDirectory(path('merged'));
    const tokens = base.tokenizer.encode('<|im_start|>user\nWhere is my order #W1234?<|im_end|>\n');
    const logprobs = await adaptedAndMergedLogprobs({ base, adapter, merged, tokens });
    logprobs.adapted.forEach((value, t) =>
      expect(Math.abs(logprobs.merged[t] - value), `token ${t}`).toBeLessThan(MERGE_TOLERANCE),
    );
    expect(readFileSync(join(path('merged'), 'model.onnx')).length).toBeGreaterThan(100_000);

    const evaluation = await cli([
      'eval',
      '--env', 'support-lite',
      '--agent', 'local',
      '--model', baseDir,
      '--adapter', adapterDir,
      '--tasks', '2',
      '--max-turns', '2',
      '--max-new-tokens', '8',
    ]); // prettier-ignore
    expect(evaluation.stderr).toBe('');
    expect(evaluation.code).toBe(0);
    expect(evaluation.stdout).toContain(`agent local:${baseDir}+${adapterDir}`);
  });

  it('refuses LoRA flags without --model, and a target it does not know', async () => {
    const noModel = await cli(['sft', '--lora-rank', '4', '--eval-episodes', '0', '--out', root]);
    expect(noModel.code).toBe(1);
    expect(noModel.stderr).toMatch(/flag --lora-rank needs --model DIR/);
    const badTarget = await cli([
      'sft',
      '--model',
      baseDir,
      '--lora-rank',
      '2',
      '--lora-targets',
      'qkv',
      '--out',
      root,
    ]);
    expect(badTarget.code).toBe(1);
    expect(badTarget.stderr).toMatch(/flag --lora-targets: unknown qkv/);
  });
});
