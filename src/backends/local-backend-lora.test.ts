// LoRA training on the local backend: only the adapter learns and holds optimiser state, the base
// weights stay bit-identical, checkpoints hold the adapter alone and resume exactly, dropout draws
// a fresh mask per run.

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readSafetensors } from '../engine/safetensors.js';
import { LanguageModel } from '../models/language-model.js';
import { resolveLoraConfig, type LoraConfig } from '../models/lora-config.js';
import { initLoraParameters, loraParameterSpecs } from '../models/lora-params.js';
import { tinyLlamaConfig } from '../models/test-support/lora-models.js';
import { initParameters, type ParameterSet } from '../models/transformer-params.js';
import { LocalTrainingBackend } from './local-backend.js';
import type { Datum } from './training-backend.js';
import { tempDir } from './test-support/tiny-backend.js';

const config = tinyLlamaConfig({ vocabSize: 48, contextLength: 32, width: 32, mlpWidth: 48 });
const STEP = { learningRate: 1e-2, weightDecay: 0, gradClipNorm: 1 };

/** A small task: continue a fixed phrase; weights make the summed loss a per-token mean. */
function phraseDatums(): Datum[] {
  const phrase = Array.from('abcabdabeabf'.repeat(3), (c) => c.charCodeAt(0) - 90); // ids 7..12
  const windows = 4;
  const width = 16;
  return Array.from({ length: windows }, (_, k) => ({
    modelInput: phrase.slice(2 * k, 2 * k + width),
    lossFnInputs: {
      targetTokens: phrase.slice(2 * k + 1, 2 * k + width + 1),
      weights: new Array<number>(width).fill(1 / (windows * width)),
    },
  }));
}

function loraModel(lora: Partial<LoraConfig>, base: ParameterSet): LanguageModel {
  const resolved = resolveLoraConfig(lora);
  return new LanguageModel({
    config,
    parameters: base,
    adapter: { config: resolved, parameters: initLoraParameters(config, resolved, 7) },
    threads: 1,
  });
}

function copy(parameters: ParameterSet): ParameterSet {
  return new Map([...parameters].map(([name, data]) => [name, data.slice()]));
}

describe('LoRA on the local backend', () => {
  it('learns a small task in the adapter while the base weights stay bit-identical', async () => {
    const base = initParameters(config, 2);
    const before = copy(base);
    const model = loraModel(
      { rank: 4, alpha: 8, targets: ['q_proj', 'v_proj', 'up_proj', 'down_proj'] },
      base,
    );
    const backend = new LocalTrainingBackend({ model, seed: 1 });
    const datums = phraseDatums();
    const losses: number[] = [];
    try {
      for (let step = 0; step < 40; step++) {
        losses.push((await backend.forwardBackward(datums, 'cross_entropy')).metrics['loss:sum']);
        if (step === 0) {
          const names = [...backend.accumulatedGradients().keys()];
          expect(names).toEqual(loraParameterSpecs(config, model.adapter!.config).map((spec) => spec.name));
        }
        await backend.optimStep(STEP);
      }
      expect(losses[39], `loss ${losses[0]} → ${losses[39]}`).toBeLessThan(0.5 * losses[0]);
      for (const [name, data] of before) expect(base.get(name), name).toEqual(data);
      const b = model.adapter!.parameters.get('layers.0.attn.v.lora_B.weight') as Float32Array;
      expect(
        b.some((v) => v !== 0),
        'B has moved off zero',
      ).toBe(true);
    } finally {
      await model.dispose();
    }
  });

  it('checkpoints hold only the adapter and its moments, and resume to the same next step', async () => {
    const dir = await tempDir();
    const lora: Partial<LoraConfig> = { rank: 2, alpha: 4, targets: ['k_proj', 'o_proj'] };
    const base = initParameters(config, 3);
    const first = loraModel(lora, base);
    const backend = new LocalTrainingBackend({ model: first, seed: 5 });
    const datums = phraseDatums();
    const path = join(dir, 'lora.safetensors');
    try {
      for (let step = 0; step < 3; step++) {
        await backend.forwardBackward(datums, 'cross_entropy');
        await backend.optimStep(STEP);
      }
      await backend.saveState(path);
      const { tensors, metadata } = readSafetensors(await readFile(path));
      const names = loraParameterSpecs(config, resolveLoraConfig(lora)).map((spec) => spec.name);
      expect([...tensors.keys()].sort()).toEqual(
        names.flatMap((name) => [`param/${name}`, `adam.m/${name}`, `adam.v/${name}`]).sort(),
      );
      expect(JSON.parse(metadata.lora)).toEqual(resolveLoraConfig(lora));

      const second = loraModel(lora, base);
      const resumed = new LocalTrainingBackend({ model: second, seed: 99 });
      await resumed.loadState(path);
      expect(second.adapter!.parameters).toEqual(first.adapter!.parameters);
      await backend.forwardBackward(datums, 'cross_entropy');
      await backend.optimStep(STEP);
      await resumed.forwardBackward(datums, 'cross_entropy');
      await resumed.optimStep(STEP);
      expect(second.adapter!.parameters).toEqual(first.adapter!.parameters);
      await second.dispose();

      const other = loraModel({ ...lora, rank: 3 }, base);
      await expect(new LocalTrainingBackend({ model: other }).loadState(path)).rejects.toMatchObject({
        code: 'checkpoint_mismatch',
        message: expect.stringMatching(/holds LoRA .*"rank":2.* the model has LoRA .*"rank":3/),
      });
      await other.dispose();
    } finally {
      await first.dispose();
    }
  });

  it('dropout draws a new mask each run (the loss varies), and still learns', async () => {
    const base = initParameters(config, 4);
    const datums = phraseDatums();
    const lossesOf = async (dropout: number) => {
      const model = loraModel({ rank: 4, alpha: 8, dropout, targets: ['q_proj', 'v_proj', 'up_proj'] }, base);
      const backend = new LocalTrainingBackend({ model, seed: 2 });
      // Train a few steps first so B is non-zero and the mask changes the output.
      const losses: number[] = [];
      try {
        for (let step = 0; step < 30; step++) {
          losses.push((await backend.forwardBackward(datums, 'cross_entropy')).metrics['loss:sum']);
          await backend.optimStep(STEP);
        }
        const a = (await backend.forwardBackward(datums, 'cross_entropy')).metrics['loss:sum'];
        const b = (await backend.forwardBackward(datums, 'cross_entropy')).metrics['loss:sum'];
        return { losses, repeat: [a, b] };
      } finally {
        await model.dispose();
      }
    };
    const withDropout = await lossesOf(0.3);
    expect(withDropout.repeat[0]).not.toBe(withDropout.repeat[1]);
    expect(withDropout.losses[29]).toBeLessThan(0.6 * withDropout.losses[0]);
    const without = await lossesOf(0);
    expect(without.repeat[0]).toBe(without.repeat[1]);
  });
});
