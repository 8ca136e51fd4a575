import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StatesetError } from '../errors.js';
import type { AdamState } from '../engine/optim/adamw.js';
import { Rng } from '../engine/random.js';
import { readSafetensors, writeSafetensors } from '../engine/safetensors.js';
import type { SafetensorsTensor } from '../engine/safetensors-dtype.js';
import { CHECKPOINT_FORMAT, loadCheckpoint, saveCheckpoint, type TrainingState } from './checkpoint.js';
import { resolveTransformerConfig } from './transformer-config.js';
import { initParameters, parameterSpecs } from './transformer-params.js';

const CONFIG = resolveTransformerConfig({
  vocabSize: 40,
  width: 16,
  layers: 2,
  heads: 4,
  mlpWidth: 32,
  contextLength: 32,
  norm: 'rmsnorm',
  activation: 'swiglu',
  positions: 'rotary',
  tiedHead: false,
  bias: false,
  kvHeads: 2,
});

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'checkpoint-test-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A state as after some training: random moments, per-tensor Adam steps, an RNG part-way with a cached normal. */
function trainedState(seed: number): TrainingState {
  const rng = new Rng(seed);
  const adam = new Map<string, AdamState>();
  parameterSpecs(CONFIG).forEach((spec, i) => {
    const size = spec.shape.reduce((p, d) => p * d, 1);
    const m = Float32Array.from({ length: size }, () => rng.normal() * 1e-3);
    const v = Float32Array.from({ length: size }, () => rng.nextFloat() * 1e-6);
    adam.set(spec.name, { step: 5 + (i % 3), m, v });
  });
  rng.normal(); // leaves the second Box–Muller value cached
  return { config: CONFIG, parameters: initParameters(CONFIG, seed), adam, step: 7, rng: rng.getState() };
}

function bytesOf(data: Float32Array): Buffer {
  return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
}

/** Awaits `promise`, expecting a StatesetError with `code` whose message contains every fragment. */
async function expectError(promise: Promise<unknown>, code: string, ...fragments: string[]): Promise<void> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error, `expected ${code}`).toBeInstanceOf(StatesetError);
  expect((error as StatesetError).code).toBe(code);
  for (const fragment of fragments) expect((error as StatesetError).message).toContain(fragment);
}

describe('training checkpoints', () => {
  it('a round trip preserves parameters, Adam moments and steps, the step and the RNG state exactly', async () => {
    const state = trainedState(3);
    const path = join(dir, 'round-trip.safetensors');
    await saveCheckpoint(path, state);
    const loaded = await loadCheckpoint(path, CONFIG);

    expect(loaded.config).toEqual(CONFIG);
    expect(loaded.step).toBe(7);
    expect([...loaded.parameters.keys()].sort()).toEqual([...state.parameters.keys()].sort());
    for (const [name, data] of state.parameters)
      expect(bytesOf(loaded.parameters.get(name) as Float32Array).equals(bytesOf(data)), name).toBe(true);
    expect([...loaded.adam.keys()].sort()).toEqual([...state.adam.keys()].sort());
    for (const [name, adam] of state.adam) {
      const restored = loaded.adam.get(name) as AdamState;
      expect(restored.step, name).toBe(adam.step);
      expect(bytesOf(restored.m).equals(bytesOf(adam.m)), `${name} m`).toBe(true);
      expect(bytesOf(restored.v).equals(bytesOf(adam.v)), `${name} v`).toBe(true);
    }
    expect(loaded.rng).toEqual(state.rng);
    const original = Rng.fromState(state.rng);
    const resumed = Rng.fromState(loaded.rng);
    const draws = (rng: Rng) => [rng.normal(), rng.normal(), rng.nextFloat(), rng.int(1000)];
    expect(draws(resumed), 'the restored stream continues where the saved one stopped').toEqual(
      draws(original),
    );
  });

  it('a save that fails leaves the previous checkpoint readable and unchanged', async () => {
    const path = join(dir, 'kept.safetensors');
    await saveCheckpoint(path, trainedState(4));
    const before = await readFile(path);
    await expectError(
      saveCheckpoint(join(dir, 'missing-dir', 'kept.safetensors'), trainedState(5)),
      'file_write_failed',
      'missing-dir',
    );
    expect((await readFile(path)).equals(before)).toBe(true);
    const loaded = await loadCheckpoint(path, CONFIG);
    expect(
      bytesOf(loaded.parameters.get('embed.weight') as Float32Array).equals(
        bytesOf(trainedState(4).parameters.get('embed.weight') as Float32Array),
      ),
    ).toBe(true);
  });

  it('a later save replaces the file whole and leaves no temporary files', async () => {
    const sub = await mkdtemp(join(dir, 'replace-'));
    const path = join(sub, 'state.safetensors');
    await saveCheckpoint(path, trainedState(4));
    await saveCheckpoint(path, { ...trainedState(6), step: 8 });
    expect((await loadCheckpoint(path, CONFIG)).step).toBe(8);
    expect(await readdir(sub)).toEqual(['state.safetensors']);
  });
});

describe('loading a checkpoint that cannot be used', () => {
  let valid: Buffer;
  beforeAll(async () => {
    const path = join(dir, 'valid.safetensors');
    await saveCheckpoint(path, trainedState(8));
    valid = await readFile(path);
  });

  /** Writes the valid checkpoint after `edit` changed its tensors and metadata; returns the path. */
  async function tampered(
    name: string,
    edit: (tensors: Map<string, SafetensorsTensor>, metadata: Record<string, string>) => void,
  ): Promise<string> {
    const { tensors, metadata } = readSafetensors(valid);
    edit(tensors, metadata);
    const path = join(dir, `${name}.safetensors`);
    await writeFile(path, writeSafetensors(tensors, metadata));
    return path;
  }

  it('a missing file is checkpoint_not_found', async () => {
    await expectError(
      loadCheckpoint(join(dir, 'nowhere.safetensors'), CONFIG),
      'checkpoint_not_found',
      'nowhere.safetensors',
    );
  });

  it('a truncated file is invalid_safetensors', async () => {
    const path = join(dir, 'truncated.safetensors');
    await writeFile(path, valid.subarray(0, valid.length - 100));
    await expectError(loadCheckpoint(path, CONFIG), 'invalid_safetensors', 'invalid safetensors file');
  });

  it('a safetensors file that is no checkpoint is invalid_safetensors', async () => {
    const path = await tampered('foreign', (_, metadata) => delete metadata.format);
    await expectError(
      loadCheckpoint(path, CONFIG),
      'invalid_safetensors',
      'not a stateset-agents checkpoint',
      'missing',
    );
    const other = await tampered(
      'other-format',
      (_, metadata) => (metadata.format = `${CHECKPOINT_FORMAT}-draft`),
    );
    await expectError(loadCheckpoint(other, CONFIG), 'invalid_safetensors', `"${CHECKPOINT_FORMAT}-draft"`);
  });

  it('a checkpoint of another model config is checkpoint_mismatch naming every difference', async () => {
    const path = join(dir, 'valid.safetensors');
    const other = resolveTransformerConfig({ ...CONFIG, layers: 3, norm: 'layernorm' });
    await expectError(
      loadCheckpoint(path, other),
      'checkpoint_mismatch',
      'layers: checkpoint 2, model 3',
      'norm: checkpoint "rmsnorm", model "layernorm"',
    );
  });

  it('a checkpoint written before qkvBias existed loads as one without q/k/v biases', async () => {
    const path = await tampered('before-qkv-bias', (_, metadata) => {
      const { qkvBias, ...older } = JSON.parse(metadata.config) as Record<string, unknown>;
      expect(qkvBias).toBe(false);
      metadata.config = JSON.stringify(older);
    });
    expect((await loadCheckpoint(path, CONFIG)).config).toEqual(CONFIG);
    await expectError(
      loadCheckpoint(path, resolveTransformerConfig({ ...CONFIG, qkvBias: true })),
      'checkpoint_mismatch',
      'qkvBias: checkpoint false, model true',
    );
  });

  it('malformed metadata is invalid_safetensors naming the field', async () => {
    const cases: [string, (metadata: Record<string, string>) => void, string][] = [
      ['config-not-json', (m) => (m.config = '{width'), 'metadata "config"'],
      ['adam-steps-missing', (m) => delete m.adamSteps, 'metadata "adamSteps"'],
      ['adam-steps-array', (m) => (m.adamSteps = '[1]'), 'metadata "adamSteps"'],
      ['rng-null', (m) => (m.rng = 'null'), 'metadata "rng"'],
      [
        'rng-bad-words',
        (m) =>
          (m.rng = JSON.stringify({ algorithm: 'xoshiro128**', words: [0, 0, 0, 0], spareNormal: null })),
        'metadata "rng" is not a generator state',
      ],
      ['step-negative', (m) => (m.step = '-1'), 'step "-1" is not a count'],
      ['step-fraction', (m) => (m.step = '2.5'), 'step "2.5" is not a count'],
    ];
    for (const [name, edit, fragment] of cases) {
      const path = await tampered(name, (_, metadata) => edit(metadata));
      await expectError(loadCheckpoint(path, CONFIG), 'invalid_safetensors', fragment);
    }
  });

  it('missing, mis-sized or unknown tensors are invalid_safetensors naming the tensor', async () => {
    const f32 = (size: number): SafetensorsTensor => ({
      dtype: 'F32',
      shape: [size],
      data: new Float32Array(size),
    });
    const cases: [
      string,
      (tensors: Map<string, SafetensorsTensor>, metadata: Record<string, string>) => void,
      string,
    ][] = [
      [
        'param-missing',
        (t) => t.delete('param/final_norm.weight'),
        'tensor "param/final_norm.weight" is missing',
      ],
      [
        'param-wrong-size',
        (t) => t.set('param/final_norm.weight', f32(15)),
        'tensor "param/final_norm.weight" has 15 values, the model needs 16',
      ],
      [
        'param-wrong-dtype',
        (t) => t.set('param/final_norm.weight', { dtype: 'F64', shape: [16], data: new Float64Array(16) }),
        'not F32',
      ],
      [
        'param-unknown',
        (t) => t.set('param/extra.weight', f32(4)),
        'tensor "param/extra.weight" is not a parameter',
      ],
      ['moment-missing', (t) => t.delete('adam.v/embed.weight'), 'tensor "adam.v/embed.weight" is missing'],
      [
        'adam-unknown',
        (_, m) => (m.adamSteps = JSON.stringify({ ...JSON.parse(m.adamSteps), 'extra.weight': 1 })),
        'unknown parameter "extra.weight"',
      ],
      [
        'adam-step-bad',
        (_, m) => (m.adamSteps = JSON.stringify({ ...JSON.parse(m.adamSteps), 'embed.weight': -2 })),
        'optimiser step of "embed.weight" is -2',
      ],
    ];
    for (const [name, edit, fragment] of cases) {
      const path = await tampered(name, edit);
      await expectError(loadCheckpoint(path, CONFIG), 'invalid_safetensors', fragment);
    }
  });
});
