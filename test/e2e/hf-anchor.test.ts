// The engine against the Hugging Face Llama anchor (shared/anchors/hf-llama-tiny): a tiny GQA Llama
// checkpoint in exact HF layout, and the prompt ids and greedy tokens a PyTorch reference produced.

import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ModelError } from '../../src/errors.js';
import { runReference } from '../../src/engine/reference-executor.js';
import { readSafetensors } from '../../src/engine/safetensors.js';
import { float32ToBfloat16Bits, type SafetensorsTensor } from '../../src/engine/safetensors-dtype.js';
import { hfLlamaToTransformerConfig } from '../../src/models/hf-llama-config.js';
import { loadHfLlama, mapHfLlamaWeights } from '../../src/models/hf-llama-weights.js';
import { LanguageModel, packSequences } from '../../src/models/language-model.js';
import { buildLogprobGraph } from '../../src/models/lm-graphs.js';
import { sample } from '../../src/models/sampler.js';
import { loadHfTokenizer, type HfTokenizer } from '../../src/models/tokenizers/hf-tokenizer.js';
import type { TransformerConfig } from '../../src/models/transformer-config.js';

/** ONNX Runtime float32 logprobs against the float64 reference executor, per token. */
const LOGPROB_TOLERANCE = 1e-4;

type AnchorCase = {
  readonly variant: string;
  readonly messages: { readonly role: string; readonly content: string }[];
  readonly max_tokens: number;
  readonly prompt_ids: number[];
  readonly expected_ids: number[];
  readonly expected_text: string;
};

/** The anchor folder: $STATESET_ANCHORS, else shared/anchors inside or beside the checkout. */
function anchorRoot(): string {
  const repo = fileURLToPath(new URL('../../', import.meta.url));
  const candidates = [
    process.env.STATESET_ANCHORS,
    join(repo, 'shared/anchors'),
    join(repo, '../shared/anchors'),
  ];
  const found = candidates.find(
    (dir) => dir !== undefined && existsSync(join(dir, 'hf-llama-tiny/expected.json')),
  );
  if (found === undefined)
    throw new Error(`hf-llama-tiny anchor not found; looked in ${candidates.filter(Boolean).join(', ')}`);
  return join(found, 'hf-llama-tiny');
}

const root = anchorRoot();
const cases = JSON.parse(await readFile(join(root, 'expected.json'), 'utf8')) as AnchorCase[];

for (const anchor of cases) {
  describe(`HF Llama anchor ${anchor.variant}`, () => {
    const dir = join(root, anchor.variant);
    let tokenizer: HfTokenizer;
    let model: LanguageModel;

    beforeAll(async () => {
      tokenizer = await loadHfTokenizer(dir);
      const { config, parameters } = await loadHfLlama(dir);
      model = new LanguageModel({ config, parameters, threads: 1 });
    });
    afterAll(() => model?.dispose());

    it('renders the chat template to the expected prompt ids', () => {
      const text = tokenizer.applyChatTemplate(anchor.messages, { addGenerationPrompt: true });
      expect(tokenizer.encode(text)).toEqual(anchor.prompt_ids);
    });

    it('decodes greedily to the exact reference tokens and text', async () => {
      const [out] = await sample(model, {
        prompts: [anchor.prompt_ids],
        params: {
          maxNewTokens: anchor.max_tokens,
          temperature: 0,
          stopTokenIds: [tokenizer.eosTokenId as number],
        },
      });
      expect(out.tokens).toEqual(anchor.expected_ids);
      expect(out.finishReason).toBe('length');
      expect(tokenizer.decode(out.tokens)).toBe(anchor.expected_text);
    });

    it('scores prompt and continuation as the float64 reference executor does', async () => {
      const sequence = [...anchor.prompt_ids, ...anchor.expected_ids];
      const [logprobs] = await model.logprobs([sequence]);
      const built = buildLogprobGraph(model.config);
      built.graph.output('logprobs', built.logprobs);
      const feeds = { ...model.parameterFeeds(), ...packSequences(model, [sequence]).feeds };
      const reference = Array.from(runReference(built.graph, feeds).logprobs.data);
      expect(logprobs).toHaveLength(sequence.length - 1);
      logprobs.forEach((value, t) =>
        expect(Math.abs(value - reference[t]), `position ${t}`).toBeLessThan(LOGPROB_TOLERANCE),
      );

      // The cached decode path scores its own tokens as the full forward pass does.
      const [greedy] = await sample(model, {
        prompts: [anchor.prompt_ids],
        params: { maxNewTokens: anchor.max_tokens, temperature: 0 },
      });
      const continuation = logprobs.slice(anchor.prompt_ids.length - 1);
      greedy.logprobs.forEach((value, n) =>
        expect(Math.abs(value - continuation[n]), `token ${n}`).toBeLessThan(LOGPROB_TOLERANCE),
      );
    });
  });
}

describe('hfLlamaToTransformerConfig', () => {
  const base = async () =>
    JSON.parse(await readFile(join(root, cases[0].variant, 'config.json'), 'utf8')) as Record<
      string,
      unknown
    >;

  it('maps the Llama fields onto our configuration', async () => {
    expect(hfLlamaToTransformerConfig(await base())).toMatchObject({
      vocabSize: 260,
      contextLength: 256,
      width: 64,
      layers: 2,
      heads: 4,
      kvHeads: 2,
      mlpWidth: 160,
      norm: 'rmsnorm',
      normEpsilon: 1e-5,
      activation: 'swiglu',
      positions: 'rotary',
      ropeTheta: 10000,
      tiedHead: false,
      bias: false,
    });
  });

  it.each([
    ['rope_scaling yarn', { rope_scaling: { rope_type: 'yarn', factor: 2 } }, /rope_scaling type "yarn"/],
    ['head_dim', { head_dim: 32 }, /head_dim 32/],
    ['attention_bias', { attention_bias: true }, /attention_bias/],
    ['hidden_act', { hidden_act: 'gelu' }, /hidden_act/],
    ['a missing field', { hidden_size: undefined }, /hidden_size/],
  ])('rejects %s with invalid_model_config', async (_, change, message) => {
    const call = async () => hfLlamaToTransformerConfig({ ...(await base()), ...change });
    await expect(call()).rejects.toThrow(message);
    await expect(call()).rejects.toMatchObject({ code: 'invalid_model_config' });
  });
});

describe('mapHfLlamaWeights', () => {
  let config: TransformerConfig;
  let tensors: Map<string, SafetensorsTensor>;

  beforeAll(async () => {
    const dir = join(root, cases[0].variant);
    config = hfLlamaToTransformerConfig(JSON.parse(await readFile(join(dir, 'config.json'), 'utf8')));
    tensors = readSafetensors(await readFile(join(dir, 'model.safetensors'))).tensors;
  });

  const mapping = (change: (copy: Map<string, SafetensorsTensor>) => void) => () => {
    const copy = new Map(tensors);
    change(copy);
    return mapHfLlamaWeights({ tensors: copy, config });
  };

  it('names HF tensors by our parameter names, data unchanged', () => {
    const parameters = mapHfLlamaWeights({ tensors, config });
    expect(parameters.get('layers.1.attn.k.weight')).toEqual(
      tensors.get('model.layers.1.self_attn.k_proj.weight')?.data,
    );
    expect(parameters.get('layers.0.mlp.gate.weight')).toEqual(
      tensors.get('model.layers.0.mlp.gate_proj.weight')?.data,
    );
    expect(parameters.get('final_norm.weight')).toEqual(tensors.get('model.norm.weight')?.data);
    expect(parameters.size).toBe(tensors.size);
  });

  it('decodes BF16 tensors to float32', () => {
    const source = tensors.get('model.norm.weight')?.data as Float32Array;
    const bits = Uint16Array.from(source, float32ToBfloat16Bits);
    const parameters = mapping((copy) =>
      copy.set('model.norm.weight', { dtype: 'BF16', shape: [64], data: bits }),
    )();
    const decoded = parameters.get('final_norm.weight') as Float32Array;
    decoded.forEach((value, i) =>
      expect(Math.abs(value - source[i])).toBeLessThanOrEqual(Math.abs(source[i]) / 256),
    );
  });

  it('rejects a missing tensor, naming it', () => {
    const call = mapping((copy) => copy.delete('model.layers.1.mlp.down_proj.weight'));
    expect(call).toThrow(ModelError);
    expect(call).toThrow(/missing tensor "model\.layers\.1\.mlp\.down_proj\.weight"/);
  });

  it('rejects a tensor of the wrong shape, naming it', () => {
    const data = new Float32Array(64 * 64);
    const call = mapping((copy) =>
      copy.set('model.layers.0.self_attn.k_proj.weight', { dtype: 'F32', shape: [64, 64], data }),
    );
    expect(call).toThrow(
      /"model\.layers\.0\.self_attn\.k_proj\.weight" has shape \[64, 64\], the config needs \[32, 64\]/,
    );
  });

  it('rejects an extra tensor, naming it', () => {
    const data = new Float32Array(64);
    const call = mapping((copy) =>
      copy.set('model.layers.2.input_layernorm.weight', { dtype: 'F32', shape: [64], data }),
    );
    expect(call).toThrow(/tensor "model\.layers\.2\.input_layernorm\.weight", which is not a parameter/);
    expect(call).toThrow(expect.objectContaining({ code: 'checkpoint_mismatch' }));
  });

  it('ignores rotary inverse frequencies, which transformers derives from the config', () => {
    const data = new Float32Array(8);
    const parameters = mapping((copy) =>
      copy.set('model.layers.0.self_attn.rotary_emb.inv_freq', { dtype: 'F32', shape: [8], data }),
    )();
    expect(parameters.size).toBe(tensors.size);
  });

  it('drops the stored head of a tied checkpoint, which transformers ties to the embedding', () => {
    const tied = { ...config, tiedHead: true };
    const parameters = mapHfLlamaWeights({ tensors, config: tied });
    expect(parameters.has('lm_head.weight')).toBe(false);
    expect(parameters.size).toBe(tensors.size - 1);
    expect(() => mapHfLlamaWeights({ tensors, config })).not.toThrow();
  });
});
