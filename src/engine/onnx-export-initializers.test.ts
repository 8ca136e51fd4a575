import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { Graph } from './graph.js';
import { exportOnnx } from './onnx-export.js';
import { decodeOnnxModel } from './onnx-proto.js';
import { runReference } from './reference-executor.js';
import { floatTensor } from './tensor.js';

/** float32 ONNX Runtime against the float64 reference. */
const TOLERANCE = 1e-5;

function linearGraph(): Graph {
  const graph = new Graph();
  const x = graph.input('x', 'float32', ['B', 3]);
  const w = graph.input('w', 'float32', [2, 3]);
  graph.output('y', graph.matmul(x, w, { transB: true })); // (B, 2)
  return graph;
}

describe('exportOnnx with initializers', () => {
  it('stores the given inputs in the model, which then runs on ONNX Runtime with the other inputs alone', async () => {
    const weights = Float32Array.from([0.5, -1, 2, 1.5, 0.25, -0.75]);
    const bytes = exportOnnx(linearGraph(), { initializers: new Map([['w', weights]]) });
    const model = decodeOnnxModel(bytes);
    expect(model.graph.input.map((input) => input.name)).toEqual(['x']);
    expect(model.graph.initializer.map((tensor) => [tensor.name, tensor.dims])).toEqual([['w', [2, 3]]]);

    const session = await ort.InferenceSession.create(bytes);
    const x = Float32Array.from([1, 2, 3, -1, 0, 4]);
    const result = await session.run({ x: new ort.Tensor('float32', x, [2, 3]) });
    const expected = runReference(linearGraph(), {
      x: floatTensor(x, [2, 3]),
      w: floatTensor(weights, [2, 3]),
    }).y;
    expect(result.y.dims).toEqual([2, 2]);
    Array.from(result.y.data as Float32Array).forEach((value, i) =>
      expect(Math.abs(value - expected.data[i])).toBeLessThan(TOLERANCE),
    );
    await session.release();
  });

  it('rejects values that do not fill the input', () => {
    expect(() => exportOnnx(linearGraph(), { initializers: new Map([['w', new Float32Array(5)]]) })).toThrow(
      /initializer "w": input float32 \[2, 3\] cannot hold 5 float32 values/,
    );
  });
});
