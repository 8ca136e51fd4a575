import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readSafetensors, writeSafetensors } from '../engine/safetensors.js';
import { float32ToBfloat16Bits, type SafetensorsTensor } from '../engine/safetensors-dtype.js';
import { LanguageModel } from './language-model.js';
import { loadLoraAdapter, peftTensorName, saveLoraAdapter } from './peft-adapter-files.js';
import { activeAdapter, tinyLlamaConfig } from './test-support/lora-models.js';
import { initParameters } from './transformer-params.js';

const config = tinyLlamaConfig();
const adapter = activeAdapter(config, {
  rank: 4,
  alpha: 16,
  dropout: 0.05,
  targets: ['v_proj', 'q_proj', 'down_proj'],
});
const SEQUENCE = [1, 5, 9, 2, 33, 7, 7, 12, 30, 4];

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'peft-'));
});
afterAll(() => rm(root, { recursive: true, force: true }));

async function saved(name: string): Promise<string> {
  const dir = join(root, name);
  await saveLoraAdapter({ dir, adapter, config, baseModel: '/models/tiny-llama' });
  return dir;
}

describe('PEFT adapter directories', () => {
  it('writes a PEFT-compatible adapter_config.json', async () => {
    const json = JSON.parse(await readFile(join(await saved('config'), 'adapter_config.json'), 'utf8'));
    expect(json).toMatchObject({
      peft_type: 'LORA',
      task_type: 'CAUSAL_LM',
      base_model_name_or_path: '/models/tiny-llama',
      r: 4,
      lora_alpha: 16,
      lora_dropout: 0.05,
      target_modules: ['q_proj', 'v_proj', 'down_proj'],
      bias: 'none',
      fan_in_fan_out: false,
      use_rslora: false,
      use_dora: false,
      modules_to_save: null,
    });
  });

  it('names tensors as PEFT does, A (r, in) and B (out, r)', async () => {
    const { tensors } = readSafetensors(
      await readFile(join(await saved('names'), 'adapter_model.safetensors')),
    );
    expect(tensors.size).toBe(2 * 3 * 2);
    expect(tensors.get('base_model.model.model.layers.1.self_attn.q_proj.lora_A.weight')?.shape).toEqual([
      4, 16,
    ]);
    expect(tensors.get('base_model.model.model.layers.0.self_attn.v_proj.lora_B.weight')?.shape).toEqual([
      8, 4,
    ]);
    expect(tensors.get('base_model.model.model.layers.0.mlp.down_proj.lora_A.weight')?.shape).toEqual([
      4, 24,
    ]);
    expect(peftTensorName('layers.3.mlp.gate.lora_B.weight')).toBe(
      'base_model.model.model.layers.3.mlp.gate_proj.lora_B.weight',
    );
  });

  it('reloads to identical parameters and identical outputs', async () => {
    const loaded = await loadLoraAdapter(await saved('round-trip'), config);
    expect(loaded.config).toEqual(adapter.config);
    expect(loaded.baseModel).toBe('/models/tiny-llama');
    expect(loaded.parameters).toEqual(adapter.parameters);
    const base = initParameters(config, 3);
    const before = new LanguageModel({ config, parameters: base, adapter, threads: 1 });
    const after = new LanguageModel({ config, parameters: base, adapter: loaded, threads: 1 });
    try {
      expect(await after.logprobs([SEQUENCE])).toEqual(await before.logprobs([SEQUENCE]));
    } finally {
      await Promise.all([before.dispose(), after.dispose()]);
    }
  });

  it('reads bf16 adapter weights as float32', async () => {
    const dir = await saved('bf16');
    const path = join(dir, 'adapter_model.safetensors');
    const { tensors } = readSafetensors(await readFile(path));
    const halved = new Map<string, SafetensorsTensor>();
    for (const [name, tensor] of tensors)
      halved.set(name, {
        dtype: 'BF16',
        shape: tensor.shape,
        data: Uint16Array.from(tensor.data as Float32Array, float32ToBfloat16Bits),
      });
    await writeFile(path, writeSafetensors(halved));
    const loaded = await loadLoraAdapter(dir, config);
    const exact = adapter.parameters.get('layers.0.attn.q.lora_A.weight') as Float32Array;
    const read = loaded.parameters.get('layers.0.attn.q.lora_A.weight') as Float32Array;
    read.forEach((value, i) =>
      expect(Math.abs(value - exact[i])).toBeLessThanOrEqual(Math.abs(exact[i]) / 128),
    );
  });
});

describe('loadLoraAdapter refuses what it cannot run, naming it', () => {
  const editConfig = async (name: string, change: Record<string, unknown>) => {
    const dir = await saved(name);
    const path = join(dir, 'adapter_config.json');
    await writeFile(path, JSON.stringify({ ...JSON.parse(await readFile(path, 'utf8')), ...change }));
    return dir;
  };
  const editTensors = async (name: string, change: (tensors: Map<string, SafetensorsTensor>) => void) => {
    const dir = await saved(name);
    const path = join(dir, 'adapter_model.safetensors');
    const { tensors } = readSafetensors(await readFile(path));
    change(tensors);
    await writeFile(path, writeSafetensors(tensors));
    return dir;
  };
  const rejects = async (dir: Promise<string>, message: RegExp, code: string) =>
    expect(loadLoraAdapter(await dir, config)).rejects.toMatchObject({
      code,
      message: expect.stringMatching(message),
    });

  it.each([
    ['DoRA', { use_dora: true }, /use_dora/],
    ['rsLoRA', { use_rslora: true }, /use_rslora/],
    ['trained biases', { bias: 'all' }, /bias/],
    ['a regular expression of targets', { target_modules: '.*proj' }, /target_modules \[".\*proj"\]/],
    ['another adapter type', { peft_type: 'IA3' }, /peft_type/],
    ['per-layer ranks', { rank_pattern: { q_proj: 8 } }, /rank_pattern/],
  ])('%s', async (name, change, message) => {
    await rejects(editConfig(name.replace(/\W+/g, '-'), change), message, 'invalid_model_config');
  });

  it('a missing tensor', async () => {
    const name = 'base_model.model.model.layers.1.mlp.down_proj.lora_B.weight';
    await rejects(
      editTensors('missing', (t) => t.delete(name)),
      /is missing tensor "base_model\.model\.model\.layers\.1\.mlp\.down_proj\.lora_B\.weight"/,
      'checkpoint_mismatch',
    );
  });

  it('an extra tensor', async () => {
    const name = 'base_model.model.model.layers.0.self_attn.k_proj.lora_A.weight';
    const data = new Float32Array(64);
    await rejects(
      editTensors('extra', (t) => t.set(name, { dtype: 'F32', shape: [4, 16], data })),
      /has tensor "base_model\.model\.model\.layers\.0\.self_attn\.k_proj\.lora_A\.weight", which adapter_config\.json does not account for/,
      'checkpoint_mismatch',
    );
  });

  it('a mis-shaped tensor', async () => {
    const name = 'base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight';
    const data = new Float32Array(48);
    await rejects(
      editTensors('shape', (t) => t.set(name, { dtype: 'F32', shape: [3, 16], data })),
      /q_proj\.lora_A\.weight" has shape \[3, 16\], the model and adapter config need \[4, 16\]/,
      'checkpoint_mismatch',
    );
  });

  it('a directory without an adapter', async () => {
    await rejects(
      Promise.resolve(join(root, 'nothing-here')),
      /cannot read LoRA adapter file .*adapter_config\.json/,
      'checkpoint_not_found',
    );
  });
});
