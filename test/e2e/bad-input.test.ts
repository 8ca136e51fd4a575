// Bad input at the user-facing surfaces gets a clear error with a stable code, never a crash inside
// ONNX Runtime: shape mismatches, unknown ops, token ids outside the vocabulary, corrupt or truncated
// safetensors files, and checkpoints from a different model.

import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LocalTrainingBackend } from '../../src/backends/local-backend.js';
import { StatesetError } from '../../src/errors.js';
import { Graph } from '../../src/engine/graph.js';
import type { Node } from '../../src/engine/ir.js';
import { compileGraph } from '../../src/engine/onnx-executor.js';
import { floatTensor } from '../../src/engine/tensor.js';
import { LanguageModel } from '../../src/models/language-model.js';

const tiny = { vocabSize: 40, contextLength: 16, width: 16, layers: 1, heads: 2, mlpWidth: 32 };

async function codeOf(action: () => unknown): Promise<string> {
  try {
    await action();
  } catch (error) {
    expect(error).toBeInstanceOf(StatesetError);
    return (error as StatesetError).code;
  }
  throw new Error('expected an error');
}

describe('bad input', () => {
  it('rejects a matmul of mismatched shapes when the graph is built', async () => {
    const g = new Graph();
    const a = g.input('a', 'float32', ['B', 3]);
    const b = g.input('b', 'float32', [4, 5]);
    expect(await codeOf(() => g.matmul(a, b))).toBe('shape_mismatch');
  });

  it('rejects a feed whose shape contradicts the graph before ONNX Runtime sees it', async () => {
    const g = new Graph();
    const x = g.input('x', 'float32', ['B', 3]);
    g.output('y', g.exp(x));
    const compiled = await compileGraph(g);
    expect(await codeOf(() => compiled.run({ x: floatTensor([1, 2, 3, 4], [1, 4]) }))).toBe('invalid_feed');
    await compiled.dispose();
  });

  it('rejects a graph holding an op the engine does not know', async () => {
    const g = new Graph();
    const x = g.input('x', 'float32', [2]);
    const forged = {
      id: g.nodes.length,
      spec: { kind: 'fft' },
      inputs: [x.id],
      dtype: 'float32',
      shape: [2],
    } as unknown as Node;
    g.nodes.push(forged);
    g.outputs.set('y', forged.id);
    expect(await codeOf(() => compileGraph(g))).toBe('unknown_op');
  });

  it('rejects token ids outside the vocabulary in logprobs, sampling and training', async () => {
    const model = new LanguageModel({ config: tiny, seed: 1 });
    const backend = new LocalTrainingBackend({ model });
    expect(await codeOf(() => model.logprobs([[1, 2, 40]]))).toBe('token_out_of_range');
    expect(await codeOf(() => backend.sample([[-1]], { maxNewTokens: 2 }))).toBe('token_out_of_range');
    const datum = { modelInput: [1, 2], lossFnInputs: { targetTokens: [2, 99] } };
    expect(await codeOf(() => backend.forwardBackward([datum], 'cross_entropy'))).toBe('token_out_of_range');
  });

  it('rejects corrupt and truncated checkpoint files and leaves the model untouched', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'bad-input-'));
    const model = new LanguageModel({ config: tiny, seed: 1 });
    const backend = new LocalTrainingBackend({ model });
    const path = join(dir, 'state.safetensors');
    await backend.saveState(path);
    const bytes = await readFile(path);
    const before = Float32Array.from(model.parameters.get('embed.weight') as Float32Array);

    await writeFile(join(dir, 'truncated.safetensors'), bytes.subarray(0, bytes.length - 100));
    expect(await codeOf(() => backend.loadState(join(dir, 'truncated.safetensors')))).toBe(
      'invalid_safetensors',
    );
    const corrupt = Buffer.from(bytes);
    corrupt.write('{not json', 8);
    await writeFile(join(dir, 'corrupt.safetensors'), corrupt);
    expect(await codeOf(() => backend.loadState(join(dir, 'corrupt.safetensors')))).toBe(
      'invalid_safetensors',
    );
    expect(model.parameters.get('embed.weight')).toEqual(before);
  });

  it('rejects a checkpoint written for a different model config, naming the difference', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'bad-input-'));
    const path = join(dir, 'state.safetensors');
    await new LocalTrainingBackend({ model: new LanguageModel({ config: tiny, seed: 1 }) }).saveState(path);
    const other = new LocalTrainingBackend({
      model: new LanguageModel({ config: { ...tiny, width: 32 }, seed: 1 }),
    });
    await expect(other.loadState(path)).rejects.toThrow(/width: checkpoint 16, model 32/);
    expect(await codeOf(() => other.loadState(path))).toBe('checkpoint_mismatch');
  });
});
