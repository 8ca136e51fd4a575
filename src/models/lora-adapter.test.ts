import { describe, expect, it } from 'vitest';
import { gradients } from '../engine/autodiff.js';
import { finiteDifferenceGradient } from '../engine/gradcheck.js';
import { runReference } from '../engine/reference-executor.js';
import { floatTensor, int64Tensor } from '../engine/tensor.js';
import { LanguageModel, packSequences } from './language-model.js';
import { buildLogprobGraph, DROPOUT_SEED_INPUT } from './lm-graphs.js';
import { LORA_TARGET_MODULES, resolveLoraConfig } from './lora-config.js';
import { mergeLoraAdapter } from './lora-merge.js';
import { initLoraParameters, loraParameterSpecs } from './lora-params.js';
import { sample } from './sampler.js';
import { activeAdapter, tinyLlamaConfig } from './test-support/lora-models.js';
import { initParameters } from './transformer-params.js';

/** ONNX Runtime (float32) against float64, per token logprob. */
const ONNX_TOLERANCE = 1e-4;
/** Autodiff against central differences, both float64. */
const GRADIENT_RTOL = 1e-5;
const GRADIENT_ATOL = 1e-7;

const config = tinyLlamaConfig();
const base = initParameters(config, 3);
const SEQUENCES = [
  [1, 5, 9, 2, 33, 7, 7, 12, 30, 4],
  [3, 3, 8, 20, 39, 0],
];

describe('LoRA parameters', () => {
  it('adds A (r, in) and B (out, r) to each target of each layer, with grouped k and v widths', () => {
    const lora = resolveLoraConfig({ rank: 3, targets: [...LORA_TARGET_MODULES] });
    const shapes = Object.fromEntries(
      loraParameterSpecs(config, lora).map((spec) => [spec.name, spec.shape]),
    );
    expect(Object.keys(shapes)).toHaveLength(2 * 7 * 2);
    expect(shapes['layers.1.attn.q.lora_A.weight']).toEqual([3, 16]);
    expect(shapes['layers.1.attn.k.lora_B.weight']).toEqual([8, 3]); // K·D = 2·4
    expect(shapes['layers.0.mlp.down.lora_A.weight']).toEqual([3, 24]);
    expect(shapes['layers.0.mlp.gate.lora_B.weight']).toEqual([24, 3]);
  });

  it('initialises A uniformly within ±1/√in (PEFT: Kaiming-uniform, a = √5) and B at zero', () => {
    const lora = resolveLoraConfig({ rank: 4, targets: ['q_proj', 'down_proj'] });
    const parameters = initLoraParameters(config, lora, 1);
    const a = parameters.get('layers.0.mlp.down.lora_A.weight') as Float32Array;
    const bound = 1 / Math.sqrt(24);
    expect(Math.max(...a.map(Math.abs))).toBeLessThanOrEqual(bound);
    expect(Math.max(...a.map(Math.abs))).toBeGreaterThan(0.8 * bound);
    expect((parameters.get('layers.1.attn.q.lora_B.weight') as Float32Array).every((v) => v === 0)).toBe(
      true,
    );
    expect(initLoraParameters(config, lora, 1)).toEqual(parameters);
  });

  it('rejects unknown targets and a rate of 1', () => {
    expect(() => resolveLoraConfig({ targets: ['qkv_proj'] })).toThrow(/LoRA config targets/);
    expect(() => resolveLoraConfig({ dropout: 1 })).toThrow(/LoRA config dropout/);
  });
});

describe('a LoRA-adapted model', () => {
  it('with a fresh adapter (B = 0) scores exactly as the base model', async () => {
    const lora = resolveLoraConfig({ rank: 4, targets: ['q_proj', 'v_proj', 'up_proj'] });
    const plain = new LanguageModel({ config, parameters: base, threads: 1 });
    const adapted = new LanguageModel({
      config,
      parameters: base,
      adapter: { config: lora, parameters: initLoraParameters(config, lora, 2) },
      threads: 1,
    });
    try {
      expect(await adapted.logprobs(SEQUENCES)).toEqual(await plain.logprobs(SEQUENCES));
    } finally {
      await Promise.all([plain.dispose(), adapted.dispose()]);
    }
  });

  it.each([
    ['q, v', ['q_proj', 'v_proj']],
    ['all seven projections', [...LORA_TARGET_MODULES]],
  ] as const)(
    'on %s: ONNX matches the reference executor, and the merged weights match the adapter',
    async (_, targets) => {
      const adapter = activeAdapter(config, { rank: 4, alpha: 8, targets: [...targets] });
      const adapted = new LanguageModel({ config, parameters: base, adapter, threads: 1 });
      const merged = new LanguageModel({
        config,
        parameters: mergeLoraAdapter({ config, parameters: base, adapter }),
        threads: 1,
      });
      const plain = new LanguageModel({ config, parameters: base, threads: 1 });
      try {
        const onnx = await adapted.logprobs(SEQUENCES);
        const built = buildLogprobGraph(config, { lora: adapter.config });
        built.graph.output('logprobs', built.logprobs);
        const packed = packSequences(adapted, SEQUENCES);
        const reference = runReference(built.graph, { ...adapted.parameterFeeds(), ...packed.feeds }).logprobs
          .data;
        const mergedLogprobs = await merged.logprobs(SEQUENCES);
        const baseLogprobs = await plain.logprobs(SEQUENCES);
        let largestEffect = 0;
        SEQUENCES.forEach((sequence, b) =>
          onnx[b].forEach((value, t) => {
            expect(Math.abs(value - reference[b * packed.width + t]), `reference ${b},${t}`).toBeLessThan(
              ONNX_TOLERANCE,
            );
            expect(Math.abs(value - mergedLogprobs[b][t]), `merged ${b},${t}`).toBeLessThan(ONNX_TOLERANCE);
            largestEffect = Math.max(largestEffect, Math.abs(value - baseLogprobs[b][t]));
          }),
        );
        expect(largestEffect, 'the adapter changes the model').toBeGreaterThan(0.05);
        // Merging leaves the base weights alone.
        expect(base.get('layers.0.attn.q.weight')).toEqual(
          initParameters(config, 3).get('layers.0.attn.q.weight'),
        );
      } finally {
        await Promise.all([adapted.dispose(), merged.dispose(), plain.dispose()]);
      }
    },
  );

  it('decodes with the adapter: cached sampling logprobs equal the full forward pass', async () => {
    const adapter = activeAdapter(config, { rank: 2, targets: ['k_proj', 'o_proj', 'gate_proj'] });
    const model = new LanguageModel({ config, parameters: base, adapter, threads: 1 });
    try {
      const prompt = [4, 8, 15, 16];
      const [out] = await sample(model, { prompts: [prompt], params: { maxNewTokens: 8, temperature: 0 } });
      const [full] = await model.logprobs([[...prompt, ...out.tokens]]);
      out.logprobs.forEach((value, n) =>
        expect(Math.abs(value - full[prompt.length - 1 + n]), `token ${n}`).toBeLessThan(ONNX_TOLERANCE),
      );
    } finally {
      await model.dispose();
    }
  });
});

describe('LoRA gradients', () => {
  it.each([0, 0.3])('match finite differences with dropout %s (a fixed mask seed)', (dropout) => {
    const adapter = activeAdapter(config, { rank: 2, alpha: 4, dropout, targets: ['v_proj', 'up_proj'] });
    const built = buildLogprobGraph(config, { lora: adapter.config, training: true });
    const g = built.graph;
    const weights = g.input('weights', 'float32', ['B', 'T']);
    const loss = g.sum(g.mul(built.logprobs, weights), [0, 1]);
    g.output('loss', loss);
    const names = ['layers.0.attn.v.lora_A.weight', 'layers.1.mlp.up.lora_B.weight'];
    const grads = gradients(
      g,
      loss,
      names.map((name) => built.parameters.get(name)!),
    );
    grads.forEach((grad, i) => g.output(`grad/${names[i]}`, grad));
    const model = new LanguageModel({ config, parameters: base, adapter });
    const packed = packSequences(model, [SEQUENCES[0]]);
    const feeds = {
      ...model.parameterFeeds(),
      ...packed.feeds,
      weights: floatTensor(
        Array.from({ length: packed.width }, (_, t) => 0.5 + t / 10),
        [1, packed.width],
      ),
      ...(dropout > 0 ? { [DROPOUT_SEED_INPUT]: int64Tensor([17], []) } : {}),
    };
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
