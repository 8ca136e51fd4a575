import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runReference } from '../engine/reference-executor.js';
import { readSafetensors, writeSafetensors } from '../engine/safetensors.js';
import { loadHfModelDirectory } from './hf-model-directory.js';
import { LanguageModel, packSequences } from './language-model.js';
import { buildLogprobGraph } from './lm-graphs.js';
import { rotaryInverseFrequencies } from './rope-scaling.js';
import { FIXTURE_EOS_ID } from './test-support/byte-bpe-tokenizer-files.js';
import { writeHfLlamaFixture, type HfFixtureOptions } from './test-support/hf-llama-fixture.js';
import { plainLlamaLogprobs } from './test-support/plain-llama-forward.js';

/** ONNX Runtime (float32) against float64 computations, per token logprob. */
const ONNX_TOLERANCE = 2e-4;
/** The float64 reference executor against the plain float64 forward pass. */
const FLOAT64_TOLERANCE = 1e-9;

const SEQUENCE = [60, 61, 257, 10, 200, 3, 99, 258, 42, 42, 7, 256, 130];

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'hf-dir-'));
});
afterAll(() => rm(root, { recursive: true, force: true }));

const variants: Record<string, Omit<HfFixtureOptions, 'dir'>> = {
  'single file': {},
  'sharded (3 files with an index)': { shards: 3 },
  'grouped-query attention (4 heads, 2 kv heads)': { heads: 4, kvHeads: 2 },
  'bf16 weights': { dtype: 'BF16' },
  'tied head': { tied: true },
  'llama3 rope scaling': {
    ropeTheta: 500000,
    ropeScaling: {
      rope_type: 'llama3',
      factor: 8,
      low_freq_factor: 1,
      high_freq_factor: 4,
      original_max_position_embeddings: 32,
    },
  },
  'linear rope scaling': { ropeScaling: { type: 'linear', factor: 4 } },
  'Qwen2 (q/k/v biases, theta 1e6, tied head, GQA, vocab padded beyond the tokenizer)': {
    family: 'qwen2',
    ropeTheta: 1e6,
    tied: true,
    kvHeads: 2,
    vocabSize: 288,
  },
};

describe.each(Object.entries(variants))('an HF Llama directory: %s', (name, options) => {
  it('scores tokens as the reference executor and a plain forward pass do', async () => {
    const dir = join(root, name.replace(/\W+/g, '-'));
    const fixture = await writeHfLlamaFixture({ dir, seed: 3, ...options });
    const loaded = await loadHfModelDirectory(dir);
    const model = new LanguageModel({ config: loaded.config, parameters: loaded.parameters, threads: 1 });
    try {
      const [onnx] = await model.logprobs([SEQUENCE]);
      const built = buildLogprobGraph(model.config);
      built.graph.output('logprobs', built.logprobs);
      const feeds = { ...model.parameterFeeds(), ...packSequences(model, [SEQUENCE]).feeds };
      const reference = Array.from(runReference(built.graph, feeds).logprobs.data);
      const plain = plainLlamaLogprobs({
        tensors: fixture.tensors,
        configJson: fixture.configJson,
        inverseFrequencies: rotaryInverseFrequencies({
          headSize: model.config.width / model.config.heads,
          theta: model.config.ropeTheta,
          scaling: model.config.ropeScaling,
        }),
        tokens: SEQUENCE,
      });
      expect(onnx).toHaveLength(SEQUENCE.length - 1);
      plain.forEach((value, t) => {
        expect(Math.abs(reference[t] - value), `reference, position ${t}`).toBeLessThan(FLOAT64_TOLERANCE);
        expect(Math.abs(onnx[t] - value), `onnx, position ${t}`).toBeLessThan(ONNX_TOLERANCE);
      });
      // Far from uniform, so a wrongly mapped tensor could not pass by accident.
      expect(Math.max(...plain) - Math.min(...plain)).toBeGreaterThan(1);
    } finally {
      await model.dispose();
    }
  });
});

describe('loadHfModelDirectory', () => {
  it('reads the tokenizer, chat template and generation defaults', async () => {
    const dir = join(root, 'extras');
    await writeHfLlamaFixture({ dir });
    const loaded = await loadHfModelDirectory(dir);
    expect(loaded.generation).toEqual({ eosTokenIds: [FIXTURE_EOS_ID], temperature: 0, topK: 0, topP: 1 });
    expect(loaded.stopTokenIds).toEqual([FIXTURE_EOS_ID]);
    const text = loaded.tokenizer.applyChatTemplate([{ role: 'user', content: 'Hi' }], {
      addGenerationPrompt: true,
    });
    expect(text).toBe('<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n');
    expect(loaded.tokenizer.encode(text).slice(0, 2)).toEqual([257, 'u'.charCodeAt(0)]);
  });

  it('bf16 weights become exactly the float32 values of their bit patterns', async () => {
    const dir = join(root, 'bf16-values');
    const fixture = await writeHfLlamaFixture({ dir, dtype: 'BF16' });
    const loaded = await loadHfModelDirectory(dir);
    expect(loaded.parameters.get('layers.1.mlp.up.weight')).toEqual(
      fixture.tensors.get('model.layers.1.mlp.up_proj.weight'),
    );
  });

  it('a sharded checkpoint loads the same parameters as the single file', async () => {
    await writeHfLlamaFixture({ dir: join(root, 'one'), seed: 9 });
    await writeHfLlamaFixture({ dir: join(root, 'four'), seed: 9, shards: 4 });
    const one = await loadHfModelDirectory(join(root, 'one'));
    const four = await loadHfModelDirectory(join(root, 'four'));
    expect([...four.parameters.keys()].sort()).toEqual([...one.parameters.keys()].sort());
    for (const [key, value] of one.parameters) expect(four.parameters.get(key), key).toEqual(value);
  });

  it('caps the context when asked', async () => {
    const dir = join(root, 'context');
    await writeHfLlamaFixture({ dir, maxPositions: 64 });
    expect((await loadHfModelDirectory(dir, { maxContextLength: 16 })).config.contextLength).toBe(16);
    expect((await loadHfModelDirectory(dir, { maxContextLength: 65 })).config.contextLength).toBe(64);
  });
});

describe('loadHfModelDirectory errors name the tensor and its shard', () => {
  const shard = (dir: string) => join(dir, 'model-00002-of-00002.safetensors');
  const rewriteShard = async (dir: string, change: (tensors: Map<string, unknown>) => void) => {
    const { tensors, metadata } = readSafetensors(await readFile(shard(dir)));
    change(tensors as Map<string, unknown>);
    await writeFile(shard(dir), writeSafetensors(tensors, metadata));
  };
  const sharded = async (name: string) => {
    const dir = join(root, name);
    await writeHfLlamaFixture({ dir, shards: 2 });
    return dir;
  };
  const rejects = async (dir: string, message: RegExp, code: string) => {
    const error = await loadHfModelDirectory(dir).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toMatchObject({ name: 'ModelError', code });
    expect((error as Error).message).toMatch(message);
  };

  it('a tensor the index lists but the shard lacks', async () => {
    const dir = await sharded('lacks');
    await rewriteShard(dir, (tensors) => tensors.delete('model.norm.weight'));
    await rejects(
      dir,
      /puts tensor "model\.norm\.weight" in shard model-00002-of-00002\.safetensors, which does not hold it/,
      'checkpoint_mismatch',
    );
  });

  it('a tensor missing from the checkpoint altogether', async () => {
    const dir = await sharded('missing');
    await rewriteShard(dir, (tensors) => tensors.delete('model.norm.weight'));
    const indexPath = join(dir, 'model.safetensors.index.json');
    const index = JSON.parse(await readFile(indexPath, 'utf8')) as { weight_map: Record<string, string> };
    delete index.weight_map['model.norm.weight'];
    await writeFile(indexPath, JSON.stringify(index));
    await rejects(
      dir,
      /missing tensor "model\.norm\.weight" \(parameter "final_norm\.weight"\)/,
      'checkpoint_mismatch',
    );
  });

  it('an extra tensor, naming its shard', async () => {
    const dir = await sharded('extra');
    const extra = 'model.layers.7.input_layernorm.weight';
    await rewriteShard(dir, (tensors) =>
      tensors.set(extra, { dtype: 'F32', shape: [32], data: new Float32Array(32) }),
    );
    await rejects(
      dir,
      /shard model-00002-of-00002\.safetensors holds tensor "model\.layers\.7\.input_layernorm\.weight", which model\.safetensors\.index\.json does not list/,
      'checkpoint_mismatch',
    );
    const indexPath = join(dir, 'model.safetensors.index.json');
    const index = JSON.parse(await readFile(indexPath, 'utf8')) as { weight_map: Record<string, string> };
    index.weight_map[extra] = 'model-00002-of-00002.safetensors';
    await writeFile(indexPath, JSON.stringify(index));
    await rejects(
      dir,
      /tensor "model\.layers\.7\.input_layernorm\.weight" \(in model-00002-of-00002\.safetensors\), which is not a parameter/,
      'checkpoint_mismatch',
    );
  });

  it('a mis-shaped tensor, naming its shard', async () => {
    const dir = await sharded('shape');
    await rewriteShard(dir, (tensors) =>
      tensors.set('model.norm.weight', { dtype: 'F32', shape: [16], data: new Float32Array(16) }),
    );
    await rejects(
      dir,
      /"model\.norm\.weight" \(in model-00002-of-00002\.safetensors\) has shape \[16\], the config needs \[32\]/,
      'checkpoint_mismatch',
    );
  });

  it('a shard file that is not there', async () => {
    const dir = await sharded('no-shard');
    await rm(shard(dir));
    await rejects(dir, /shard model-00002-of-00002\.safetensors .* is not in/, 'checkpoint_not_found');
  });

  it('a directory without weights', async () => {
    const dir = await sharded('no-weights');
    await rm(join(dir, 'model.safetensors.index.json'));
    await rejects(
      dir,
      /has neither model\.safetensors nor model\.safetensors\.index\.json/,
      'checkpoint_not_found',
    );
  });
});
