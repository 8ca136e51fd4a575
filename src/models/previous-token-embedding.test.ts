// The optional previous-token embedding (x_t = E[tok_t] + E_prev[tok_{t−1}], zero at position 0): the
// shift inside the full-sequence graphs, ONNX Runtime against the reference executor, KV-cache decoding
// against recomputation, gradients of the table, checkpoints, and the refused Hugging Face export.

import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StatesetError } from '../errors.js';
import { gradients } from '../engine/autodiff.js';
import { finiteDifferenceGradient } from '../engine/gradcheck.js';
import { Rng } from '../engine/random.js';
import { runReference } from '../engine/reference-executor.js';
import { readSafetensors } from '../engine/safetensors.js';
import { loadCheckpoint, saveCheckpoint } from './checkpoint.js';
import { saveHfLlama, transformerConfigToHfLlama } from './hf-llama-save.js';
import { LanguageModel, packSequences } from './language-model.js';
import { buildLogprobGraph } from './lm-graphs.js';
import { sample } from './sampler.js';
import { tinyLlamaConfig } from './test-support/lora-models.js';
import { resolveTransformerConfig, type TransformerConfig } from './transformer-config.js';
import {
  initParameters,
  parameterSpecs,
  previousTokenTable,
  type ParameterSet,
} from './transformer-params.js';

/** ONNX Runtime (float32) against the float64 reference executor, and cached against full decoding. */
const ONNX_TOLERANCE = 1e-4;
/** Autodiff against central differences, both float64. */
const GRADIENT_RTOL = 1e-5;
const GRADIENT_ATOL = 1e-7;

const GPT2_STYLE = resolveTransformerConfig({
  vocabSize: 40,
  width: 16,
  layers: 2,
  heads: 4,
  mlpWidth: 32,
  contextLength: 32,
  initStd: 0.3,
  previousTokenEmbedding: true,
});
const LLAMA_STYLE = tinyLlamaConfig({ previousTokenEmbedding: true });
/** Tokens t − 1, t − 2 and t − 3 embedded. */
const THREE_BACK = { ...GPT2_STYLE, previousTokens: 3 };
const SEQUENCES = [
  [3, 17, 5, 29, 11, 8, 36, 2, 20],
  [7, 1, 30, 12],
];

const models: LanguageModel[] = [];
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'prev-embed-'));
});
afterAll(async () => {
  await Promise.all(models.map((m) => m.dispose()));
  await rm(dir, { recursive: true, force: true });
});

function modelOf(config: TransformerConfig, parameters: ParameterSet): LanguageModel {
  const model = new LanguageModel({ config, parameters, threads: 1 });
  models.push(model);
  return model;
}

/** Parameters whose previous-token tables have rows large enough to move the logprobs visibly. */
function parametersOf(config: TransformerConfig, seed: number): ParameterSet {
  const parameters = initParameters(config, seed);
  const rng = new Rng(seed + 100);
  for (let k = 1; k <= config.previousTokens; k++) {
    const table = parameters.get(previousTokenTable(k))!;
    for (let i = 0; i < table.length; i++) table[i] = 0.5 * rng.normal();
  }
  return parameters;
}

describe('previousTokenEmbedding', () => {
  it('adds a (V, C) prev_embed table right after the token embedding, initialised like it', () => {
    const specs = parameterSpecs(GPT2_STYLE);
    expect(specs[1]).toEqual({
      name: 'prev_embed.weight',
      shape: [40, 16],
      init: specs[0].init,
      decay: true,
    });
    expect(parameterSpecs({ ...GPT2_STYLE, previousTokenEmbedding: false }).map((s) => s.name)).toEqual(
      specs.map((s) => s.name).filter((name) => name !== 'prev_embed.weight'),
    );
  });

  it('previousTokens N adds a table per token back, prev_embed then prev_embed_2 … prev_embed_N', () => {
    expect(
      parameterSpecs(THREE_BACK)
        .slice(0, 4)
        .map((spec) => [spec.name, spec.shape]),
    ).toEqual([
      ['embed.weight', [40, 16]],
      ['prev_embed.weight', [40, 16]],
      ['prev_embed_2.weight', [40, 16]],
      ['prev_embed_3.weight', [40, 16]],
    ]);
  });

  it('row v of the table k back reaches only the positions k after a v, and none below k', async () => {
    const sequence = SEQUENCES[0];
    const parameters = parametersOf(THREE_BACK, 3);
    const [base] = await modelOf(THREE_BACK, parameters).logprobs([sequence]);
    for (const k of [2, 3]) {
      const j = 1;
      const moved = new Map(parameters);
      const table = Float32Array.from(parameters.get(previousTokenTable(k))!);
      const rng = new Rng(k);
      for (let c = 0; c < 16; c++) table[sequence[j] * 16 + c] += rng.normal();
      moved.set(previousTokenTable(k), table);
      const [after] = await modelOf(THREE_BACK, moved).logprobs([sequence]);
      // The first position that sees row sequence[j] of table k is j + k.
      after.forEach((lp, t) => {
        const delta = Math.abs(lp - base[t]);
        if (t < j + k) expect(delta, `k ${k} t ${t}`).toBe(0);
        else if (t === j + k) expect(delta, `k ${k} t ${t}`).toBeGreaterThan(1e-3);
      });
    }
  });

  it('a zero table computes exactly the model without the feature', async () => {
    const parameters = initParameters(GPT2_STYLE, 2);
    parameters.get('prev_embed.weight')!.fill(0);
    const without = new Map(parameters);
    without.delete('prev_embed.weight');
    const on = await modelOf(GPT2_STYLE, parameters).logprobs(SEQUENCES);
    const off = await modelOf({ ...GPT2_STYLE, previousTokenEmbedding: false }, without).logprobs(SEQUENCES);
    expect(on).toEqual(off);
  });

  it('row v of the table reaches only the position right after a v: the shift, and nothing at position 0', async () => {
    const sequence = SEQUENCES[0];
    const parameters = parametersOf(GPT2_STYLE, 3);
    const [base] = await modelOf(GPT2_STYLE, parameters).logprobs([sequence]);
    for (const j of [0, 4]) {
      const moved = new Map(parameters);
      const table = Float32Array.from(parameters.get('prev_embed.weight')!);
      // A random direction: a constant one is invisible behind the layer norms.
      const rng = new Rng(j);
      for (let c = 0; c < 16; c++) table[sequence[j] * 16 + c] += rng.normal();
      moved.set('prev_embed.weight', table);
      const [after] = await modelOf(GPT2_STYLE, moved).logprobs([sequence]);
      // logprob t predicts token t + 1 from positions ≤ t; the first to see row sequence[j] is t = j + 1.
      after.forEach((lp, t) => {
        const delta = Math.abs(lp - base[t]);
        if (t <= j) expect(delta, `j ${j} t ${t}`).toBe(0);
        else if (t === j + 1) expect(delta, `j ${j} t ${t}`).toBeGreaterThan(1e-3);
      });
    }
  });

  for (const [style, config] of [
    ['GPT-2 style', GPT2_STYLE],
    ['Llama style', LLAMA_STYLE],
    ['three tokens back', THREE_BACK],
  ] as const) {
    it(`${style}: ONNX Runtime logprobs equal the float64 reference, alone and right-padded in a batch`, async () => {
      const model = modelOf(config, parametersOf(config, 4));
      const batched = await model.logprobs(SEQUENCES);
      const built = buildLogprobGraph(config);
      built.graph.output('logprobs', built.logprobs);
      for (const [b, seq] of SEQUENCES.entries()) {
        const reference = runReference(built.graph, {
          ...model.parameterFeeds(),
          ...packSequences(model, [seq]).feeds,
        }).logprobs.data;
        batched[b].forEach((lp, t) =>
          expect(Math.abs(lp - reference[t]), `sequence ${b} position ${t}`).toBeLessThan(ONNX_TOLERANCE),
        );
      }
    });

    it(`${style}: greedy decoding with the KV cache equals full recomputation, prompts of two lengths`, async () => {
      const model = modelOf(config, parametersOf(config, 5));
      const prompts = [SEQUENCES[0].slice(0, 7), SEQUENCES[1]];
      const steps = 6;
      const outs = await sample(model, { prompts, params: { maxNewTokens: steps, temperature: 0 } });
      for (const [b, prompt] of prompts.entries()) {
        const tokens: number[] = [];
        for (let n = 0; n < steps; n++) {
          const prefix = [...prompt, ...tokens];
          const rows = await model.logprobs(
            Array.from({ length: config.vocabSize }, (_, v) => [...prefix, v]),
          );
          const last = rows.map((row) => row[row.length - 1]);
          let best = 0;
          last.forEach((lp, v) => (best = lp > last[best] ? v : best));
          expect(Math.abs(outs[b].logprobs[n] - last[best]), `row ${b} token ${n}`).toBeLessThan(
            ONNX_TOLERANCE,
          );
          tokens.push(best);
        }
        expect(outs[b].tokens, `row ${b}`).toEqual(tokens);
      }
      // A row that finishes first leaves no previous token behind; the other row decodes on unchanged.
      const early = await sample(model, {
        prompts,
        params: { maxNewTokens: steps, temperature: 0 },
        rows: [
          { seed: 0, maxNewTokens: 2 },
          { seed: 0, maxNewTokens: steps },
        ],
      });
      expect(early.map((row) => row.tokens)).toEqual([outs[0].tokens.slice(0, 2), outs[1].tokens]);
    });
  }

  it('gradients of prev_embed match central differences of the float64 loss', () => {
    const parameters = parametersOf(LLAMA_STYLE, 6);
    const built = buildLogprobGraph(LLAMA_STYLE);
    const g = built.graph;
    const loss = g.sum(built.logprobs, [0, 1]);
    g.output('loss', loss);
    const name = 'prev_embed.weight';
    const [grad] = gradients(g, loss, [built.parameters.get(name)!]);
    g.output('grad', grad);
    const model = new LanguageModel({ config: LLAMA_STYLE, parameters });
    const sequence = [1, 5, 9, 2, 33, 7, 12, 5];
    const feeds = { ...model.parameterFeeds(), ...packSequences(model, [sequence]).feeds };
    const actual = runReference(g, feeds).grad.data;
    const expected = finiteDifferenceGradient({ graph: g, feeds, loss: 'loss', input: name });
    expected.forEach((e, i) =>
      expect(Math.abs(actual[i] - e), `${name}[${i}]`).toBeLessThan(
        GRADIENT_ATOL + GRADIENT_RTOL * Math.abs(e),
      ),
    );
    // Rows of tokens that precede another token get a gradient; the last token's (12) and unused rows do not.
    const rowNorm = (v: number) => Math.max(...Array.from(actual.slice(v * 16, (v + 1) * 16), Math.abs));
    for (const v of [1, 5, 9, 2, 33, 7]) expect(rowNorm(v), `row ${v}`).toBeGreaterThan(1e-4);
    for (const v of [12, 0, 39]) expect(rowNorm(v), `row ${v}`).toBe(0);
  });

  it('checkpoints round-trip the table and the flag; a model without it writes no key, and files without the key load as off', async () => {
    const path = join(dir, 'on.safetensors');
    const parameters = parametersOf(GPT2_STYLE, 7);
    const state = { config: GPT2_STYLE, parameters, adam: new Map(), step: 3, rng: new Rng(1).getState() };
    await saveCheckpoint(path, state);
    const loaded = await loadCheckpoint(path, GPT2_STYLE);
    expect(loaded.config.previousTokenEmbedding).toBe(true);
    expect(loaded.parameters.get('prev_embed.weight')).toEqual(parameters.get('prev_embed.weight'));
    await expect(loadCheckpoint(path, { ...GPT2_STYLE, previousTokenEmbedding: false })).rejects.toThrow(
      'previousTokenEmbedding: checkpoint true, model false',
    );

    const threePath = join(dir, 'three.safetensors');
    const threeParameters = parametersOf(THREE_BACK, 8);
    await saveCheckpoint(threePath, { ...state, config: THREE_BACK, parameters: threeParameters });
    const three = await loadCheckpoint(threePath, THREE_BACK);
    expect(three.config.previousTokens).toBe(3);
    expect(three.parameters.get('prev_embed_3.weight')).toEqual(threeParameters.get('prev_embed_3.weight'));
    await expect(loadCheckpoint(threePath, GPT2_STYLE)).rejects.toThrow(
      'previousTokens: checkpoint 3, model 1',
    );
    // One table back is the default: not written, so older files (without the key) load as 1.
    const { metadata: oneMetadata } = readSafetensors(await readFile(path));
    expect(Object.keys(JSON.parse(oneMetadata.config) as object)).not.toContain('previousTokens');

    const off = { ...GPT2_STYLE, previousTokenEmbedding: false };
    const offPath = join(dir, 'off.safetensors');
    await saveCheckpoint(offPath, { ...state, config: off, parameters: initParameters(off, 7) });
    const { metadata } = readSafetensors(await readFile(offPath));
    expect(Object.keys(JSON.parse(metadata.config) as object)).not.toContain('previousTokenEmbedding');
    expect((await loadCheckpoint(offPath, off)).config).toEqual(off);
  });

  it('the Hugging Face export refuses it by name, before writing anything', async () => {
    const target = join(dir, 'hf');
    const expectRefused = (run: () => unknown) => {
      let error: unknown;
      try {
        run();
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(StatesetError);
      expect((error as StatesetError).code).toBe('invalid_model_config');
      expect((error as StatesetError).message).toContain('previousTokenEmbedding');
    };
    expectRefused(() => transformerConfigToHfLlama(LLAMA_STYLE));
    await saveHfLlama({ dir: target, config: LLAMA_STYLE, parameters: initParameters(LLAMA_STYLE, 1) }).then(
      () => expect.unreachable('saveHfLlama wrote a model with previousTokenEmbedding'),
      (error: unknown) =>
        expectRefused(() => {
          throw error;
        }),
    );
    await expect(readFile(join(target, 'config.json'))).rejects.toThrow('ENOENT');
  });
});
