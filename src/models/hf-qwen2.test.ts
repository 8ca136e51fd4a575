// Qwen2-family checkpoints (model_type "qwen2", Qwen2ForCausalLM): biases on q/k/v only, rotary theta
// 1e6, tied head, vocab_size padded beyond the tokenizer; loading, KV-cache decoding, LoRA, gradients,
// saving back in Qwen2 layout, and the errors that name what is wrong.

import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gradients } from '../engine/autodiff.js';
import { finiteDifferenceGradient } from '../engine/gradcheck.js';
import { Rng } from '../engine/random.js';
import { runReference } from '../engine/reference-executor.js';
import { readSafetensors } from '../engine/safetensors.js';
import { FIXTURE_TOKENIZER_SIZE } from './test-support/byte-bpe-tokenizer-files.js';
import { writeHfLlamaFixture, type HfFixture } from './test-support/hf-llama-fixture.js';
import { activeAdapter, tinyLlamaConfig } from './test-support/lora-models.js';
import { hfLlamaToTransformerConfig } from './hf-llama-config.js';
import { loadHfModelDirectory, type HfModelDirectory } from './hf-model-directory.js';
import { LanguageModel, packSequences } from './language-model.js';
import { buildLogprobGraph } from './lm-graphs.js';
import { exportMergedModel } from './merged-export.js';
import { sample } from './sampler.js';
import { initParameters, parameterSpecs } from './transformer-params.js';

/** KV-cache decode against full recomputation, and merged against adapted, float32 on ONNX Runtime. */
const ONNX_TOLERANCE = 1e-4;
/** Autodiff against central differences, both float64. */
const GRADIENT_RTOL = 1e-5;
const GRADIENT_ATOL = 1e-7;
/** vocab_size of the fixture: padded beyond the tokenizer's ids, as Qwen2.5 pads to a multiple of 128. */
const PADDED_VOCAB = 288;
const PROMPT = [60, 61, 257, 10, 200, 3];
const NEW_TOKENS = 6;

let root: string;
let fixture: HfFixture;
let loaded: HfModelDirectory;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'hf-qwen2-'));
  fixture = await writeHfLlamaFixture({
    dir: join(root, 'qwen'),
    family: 'qwen2',
    seed: 4,
    kvHeads: 2,
    tied: true,
    ropeTheta: 1e6,
    vocabSize: PADDED_VOCAB,
  });
  loaded = await loadHfModelDirectory(fixture.dir);
});
afterAll(() => rm(root, { recursive: true, force: true }));

/** A LanguageModel of the loaded checkpoint that samples only the tokenizer's ids. */
function qwenModel(options: { adapter?: ReturnType<typeof activeAdapter> } = {}): LanguageModel {
  return new LanguageModel({
    config: loaded.config,
    parameters: loaded.parameters,
    samplableVocabSize: loaded.tokenizer.vocabSize,
    threads: 1,
    ...options,
  });
}

/** Greedy decoding the slow way: every samplable next token scored by a full forward pass, at each step. */
async function greedyByRecompute(model: LanguageModel, prompt: readonly number[], steps: number) {
  const tokens: number[] = [];
  const logprobs: number[] = [];
  for (let n = 0; n < steps; n++) {
    const prefix = [...prompt, ...tokens];
    const rows = await model.logprobs(
      Array.from({ length: model.samplableVocabSize }, (_, v) => [...prefix, v]),
    );
    const last = rows.map((row) => row[row.length - 1]);
    let best = 0;
    last.forEach((lp, v) => (best = lp > last[best] ? v : best));
    tokens.push(best);
    logprobs.push(last[best]);
  }
  return { tokens, logprobs };
}

describe('a Qwen2 checkpoint', () => {
  it('maps onto q/k/v biases, theta 1e6, a tied head and the padded vocabulary', () => {
    expect(loaded.config).toMatchObject({
      vocabSize: PADDED_VOCAB,
      qkvBias: true,
      bias: false,
      ropeTheta: 1e6,
      tiedHead: true,
      kvHeads: 2,
      norm: 'rmsnorm',
      activation: 'swiglu',
      positions: 'rotary',
    });
    expect(loaded.tokenizer.vocabSize).toBe(FIXTURE_TOKENIZER_SIZE);
    expect(loaded.parameters.get('layers.1.attn.k.bias')).toEqual(
      fixture.tensors.get('model.layers.1.self_attn.k_proj.bias'),
    );
    const biases = [...loaded.parameters.keys()].filter((name) => name.endsWith('.bias'));
    expect(biases).toEqual([0, 1].flatMap((l) => ['q', 'k', 'v'].map((p) => `layers.${l}.attn.${p}.bias`)));
    expect(loaded.parameters.get('layers.0.attn.k.bias')).toHaveLength(2 * 8); // K · D
  });

  it('the biases matter: zeroing them changes the logprobs', async () => {
    const model = qwenModel();
    const zeroed = new Map(loaded.parameters);
    for (const name of zeroed.keys())
      if (name.endsWith('.bias')) zeroed.set(name, new Float32Array(zeroed.get(name)!.length));
    const unbiased = new LanguageModel({ config: loaded.config, parameters: zeroed, threads: 1 });
    try {
      const [withBias] = await model.logprobs([PROMPT]);
      const [without] = await unbiased.logprobs([PROMPT]);
      expect(Math.max(...withBias.map((value, t) => Math.abs(value - without[t])))).toBeGreaterThan(0.01);
    } finally {
      await Promise.all([model.dispose(), unbiased.dispose()]);
    }
  });

  it('greedy decoding with the KV cache equals full recomputation, within the tokenizer ids', async () => {
    const model = qwenModel();
    try {
      const [out] = await sample(model, {
        prompts: [PROMPT],
        params: { maxNewTokens: NEW_TOKENS, temperature: 0 },
      });
      const expected = await greedyByRecompute(model, PROMPT, NEW_TOKENS);
      expect(out.tokens).toEqual(expected.tokens);
      out.logprobs.forEach((value, n) =>
        expect(Math.abs(value - expected.logprobs[n]), `token ${n}`).toBeLessThan(ONNX_TOLERANCE),
      );
      expect(out.tokens.every((id) => id < FIXTURE_TOKENIZER_SIZE)).toBe(true);
    } finally {
      await model.dispose();
    }
  });

  it('with a LoRA adapter on q/k/v: cached decoding equals the full pass, and the merged export reloads as Qwen2 computing the same', async () => {
    const adapter = activeAdapter(loaded.config, {
      rank: 2,
      alpha: 4,
      targets: ['q_proj', 'k_proj', 'v_proj'],
    });
    const adapted = qwenModel({ adapter });
    const outDir = join(root, 'merged');
    await exportMergedModel({
      outDir,
      config: loaded.config,
      parameters: loaded.parameters,
      adapter,
      sourceDir: fixture.dir,
      onnx: false,
    });
    const configJson = JSON.parse(await readFile(join(outDir, 'config.json'), 'utf8')) as Record<
      string,
      unknown
    >;
    expect(configJson).toMatchObject({
      model_type: 'qwen2',
      architectures: ['Qwen2ForCausalLM'],
      use_sliding_window: false,
      rope_theta: 1e6,
      tie_word_embeddings: true,
      vocab_size: PADDED_VOCAB,
    });
    expect(configJson).not.toHaveProperty('attention_bias');
    const saved = readSafetensors(await readFile(join(outDir, 'model.safetensors'))).tensors;
    expect(saved.get('model.layers.0.self_attn.v_proj.bias')?.data).toEqual(
      fixture.tensors.get('model.layers.0.self_attn.v_proj.bias'),
    );
    expect(saved.has('model.layers.0.self_attn.o_proj.bias')).toBe(false);

    const merged = await loadHfModelDirectory(outDir);
    expect(merged.config).toEqual(loaded.config);
    const folded = new LanguageModel({ config: merged.config, parameters: merged.parameters, threads: 1 });
    const plain = qwenModel();
    try {
      const [out] = await sample(adapted, {
        prompts: [PROMPT],
        params: { maxNewTokens: NEW_TOKENS, temperature: 0 },
      });
      const sequence = [...PROMPT, ...out.tokens];
      const [full] = await adapted.logprobs([sequence]);
      out.logprobs.forEach((value, n) =>
        expect(Math.abs(value - full[PROMPT.length - 1 + n]), `token ${n}`).toBeLessThan(ONNX_TOLERANCE),
      );
      const [fromMerged] = await folded.logprobs([sequence]);
      full.forEach((value, t) =>
        expect(Math.abs(fromMerged[t] - value), `merged, position ${t}`).toBeLessThan(ONNX_TOLERANCE),
      );
      const [base] = await plain.logprobs([sequence]);
      expect(Math.max(...base.map((value, t) => Math.abs(value - full[t])))).toBeGreaterThan(0.01);
    } finally {
      await Promise.all([adapted.dispose(), folded.dispose(), plain.dispose()]);
    }
  });
});

describe('q/k/v bias gradients', () => {
  it('match central differences of the float64 loss', () => {
    const config = tinyLlamaConfig({ qkvBias: true });
    expect(parameterSpecs(config).filter((spec) => spec.name.endsWith('.bias'))).toEqual(
      [0, 1].flatMap((l) =>
        (['q', 'k', 'v'] as const).map((p) => ({
          name: `layers.${l}.attn.${p}.bias`,
          shape: [p === 'q' ? 16 : 8],
          init: { kind: 'zeros' },
          decay: false,
        })),
      ),
    );
    const parameters = initParameters(config, 3);
    const rng = new Rng(9);
    for (const [name, data] of parameters)
      if (name.endsWith('.bias')) for (let i = 0; i < data.length; i++) data[i] = 0.3 * rng.normal();
    const built = buildLogprobGraph(config);
    const g = built.graph;
    const loss = g.sum(built.logprobs, [0, 1]);
    g.output('loss', loss);
    const names = ['layers.0.attn.q.bias', 'layers.0.attn.k.bias', 'layers.1.attn.v.bias'];
    gradients(
      g,
      loss,
      names.map((name) => built.parameters.get(name)!),
    ).forEach((grad, i) => g.output(`grad/${names[i]}`, grad));
    const model = new LanguageModel({ config, parameters });
    const feeds = { ...model.parameterFeeds(), ...packSequences(model, [[1, 5, 9, 2, 33, 7, 12]]).feeds };
    const result = runReference(g, feeds);
    for (const name of names) {
      const expected = finiteDifferenceGradient({ graph: g, feeds, loss: 'loss', input: name });
      const actual = result[`grad/${name}`].data;
      expected.forEach((e, i) =>
        expect(Math.abs(actual[i] - e), `${name}[${i}]`).toBeLessThan(
          GRADIENT_ATOL + GRADIENT_RTOL * Math.abs(e),
        ),
      );
      expect(Math.max(...actual.map(Math.abs)), `${name} has a gradient`).toBeGreaterThan(1e-4);
    }
  });
});

describe('Qwen2 checkpoints that do not load', () => {
  const rejects = async (dir: string, message: RegExp, code: string) => {
    const error = await loadHfModelDirectory(dir).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toMatchObject({ name: 'ModelError', code });
    expect((error as Error).message).toMatch(message);
  };

  it('a missing q/k/v bias tensor, by name', async () => {
    const dir = join(root, 'no-bias');
    await writeHfLlamaFixture({ dir, family: 'qwen2', omit: ['model.layers.1.self_attn.k_proj.bias'] });
    await rejects(
      dir,
      /missing tensor "model\.layers\.1\.self_attn\.k_proj\.bias" \(parameter "layers\.1\.attn\.k\.bias"\)/,
      'checkpoint_mismatch',
    );
  });

  it('sliding-window attention, by name', async () => {
    const dir = join(root, 'sliding');
    const { configJson } = await writeHfLlamaFixture({ dir, family: 'qwen2' });
    await writeFile(join(dir, 'config.json'), JSON.stringify({ ...configJson, use_sliding_window: true }));
    await rejects(
      dir,
      /use_sliding_window: true is not supported; sliding-window attention is not implemented/,
      'invalid_model_config',
    );
  });

  it('an unsupported model_type, naming the families that load', () => {
    expect(() => hfLlamaToTransformerConfig({ ...fixture.configJson, model_type: 'qwen3' })).toThrow(
      /model_type "qwen3" is not supported; only "llama" and "qwen2" checkpoints load/,
    );
  });

  it('a Llama checkpoint carrying q/k/v biases: the tensor is not a parameter of a Llama', async () => {
    const dir = join(root, 'llama-with-bias');
    const { configJson } = await writeHfLlamaFixture({ dir, family: 'qwen2' });
    await writeFile(
      join(dir, 'config.json'),
      JSON.stringify({ ...configJson, model_type: 'llama', architectures: ['LlamaForCausalLM'] }),
    );
    await rejects(
      dir,
      /tensor "model\.layers\.\d\.self_attn\.[qkv]_proj\.bias" \(in model\.safetensors\), which is not a parameter/,
      'checkpoint_mismatch',
    );
  });
});
