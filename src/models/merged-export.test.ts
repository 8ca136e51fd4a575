import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hfLlamaToTransformerConfig } from './hf-llama-config.js';
import { transformerConfigToHfLlama } from './hf-llama-save.js';
import { loadHfModelDirectory, type HfModelDirectory } from './hf-model-directory.js';
import { LanguageModel } from './language-model.js';
import { exportMergedModel } from './merged-export.js';
import { writeHfLlamaFixture } from './test-support/hf-llama-fixture.js';
import { activeAdapter } from './test-support/lora-models.js';

/** float32 computations along different paths (merged weights, ONNX Runtime), per token logprob. */
const TOLERANCE = 2e-4;
const SEQUENCE = [257, 117, 115, 101, 114, 10, 72, 105, 258, 10, 257, 97];

let root: string;
let source: HfModelDirectory;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'merged-'));
  await writeHfLlamaFixture({ dir: join(root, 'base'), kvHeads: 2, seed: 4 });
  source = await loadHfModelDirectory(join(root, 'base'));
});
afterAll(() => rm(root, { recursive: true, force: true }));

describe('exportMergedModel', () => {
  it('writes an HF directory and an ONNX model that compute what the adapted model does', async () => {
    const adapter = activeAdapter(source.config, {
      rank: 4,
      alpha: 8,
      targets: ['q_proj', 'v_proj', 'gate_proj'],
    });
    const adapted = new LanguageModel({
      config: source.config,
      parameters: source.parameters,
      adapter,
      threads: 1,
    });
    const outDir = join(root, 'merged');
    const files = await exportMergedModel({
      outDir,
      config: source.config,
      parameters: source.parameters,
      adapter,
      sourceDir: source.dir,
      extraConfig: { eos_token_id: 258 },
    });
    expect(files.map((file) => file.slice(outDir.length + 1)).sort()).toEqual([
      'config.json',
      'generation_config.json',
      'model.onnx',
      'model.safetensors',
      'tokenizer.json',
      'tokenizer_config.json',
    ]);
    const reloaded = await loadHfModelDirectory(outDir);
    const merged = new LanguageModel({
      config: reloaded.config,
      parameters: reloaded.parameters,
      threads: 1,
    });
    const plain = new LanguageModel({ config: source.config, parameters: source.parameters, threads: 1 });
    const session = await ort.InferenceSession.create(join(outDir, 'model.onnx'));
    try {
      const [expected] = await adapted.logprobs([SEQUENCE]);
      const [fromDirectory] = await merged.logprobs([SEQUENCE]);
      const [unadapted] = await plain.logprobs([SEQUENCE]);
      const T = SEQUENCE.length - 1;
      const feeds = {
        tokens: new ort.Tensor('int64', BigInt64Array.from(SEQUENCE.slice(0, T), BigInt), [1, T]),
        positions: new ort.Tensor(
          'int64',
          BigInt64Array.from({ length: T }, (_, t) => BigInt(t)),
          [1, T],
        ),
      };
      const logits = (await session.run(feeds)).logits;
      const V = source.config.vocabSize;
      expect(logits.dims).toEqual([1, T, V]);
      const data = logits.data as Float32Array;
      expected.forEach((value, t) => {
        const row = data.subarray(t * V, (t + 1) * V);
        const max = Math.max(...row);
        const logSum = Math.log(row.reduce((s, z) => s + Math.exp(z - max), 0)) + max;
        expect(Math.abs(row[SEQUENCE[t + 1]] - logSum - value), `onnx ${t}`).toBeLessThan(TOLERANCE);
        expect(Math.abs(fromDirectory[t] - value), `directory ${t}`).toBeLessThan(TOLERANCE);
      });
      expect(
        Math.max(...expected.map((v, t) => Math.abs(v - unadapted[t]))),
        'the adapter matters',
      ).toBeGreaterThan(0.05);
      expect(reloaded.tokenizer.encode('<|im_start|>')).toEqual([257]);
    } finally {
      await Promise.all([adapted.dispose(), merged.dispose(), plain.dispose(), session.release()]);
    }
  });

  it('skips the ONNX model when asked', async () => {
    const outDir = join(root, 'no-onnx');
    await exportMergedModel({ outDir, config: source.config, parameters: source.parameters, onnx: false });
    expect(existsSync(join(outDir, 'model.onnx'))).toBe(false);
    expect(existsSync(join(outDir, 'model.safetensors'))).toBe(true);
  });
});

describe('transformerConfigToHfLlama', () => {
  it('round-trips through the loader, rope scaling included', () => {
    const scaled = {
      ...source.config,
      ropeScaling: {
        type: 'llama3',
        factor: 32,
        lowFreqFactor: 1,
        highFreqFactor: 4,
        originalContextLength: 8192,
      },
    } as const;
    expect(hfLlamaToTransformerConfig(transformerConfigToHfLlama(scaled))).toEqual(scaled);
  });

  it('refuses a GPT-2 style model', () => {
    expect(() => transformerConfigToHfLlama({ ...source.config, norm: 'layernorm' })).toThrow(
      /only Llama-style models/,
    );
  });
});
