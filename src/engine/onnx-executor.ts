// Runs graphs on ONNX Runtime (CPU): export once, share the session, validate feeds against the IR,
// and pass tensors to and from native code without copying.

import os from 'node:os';
import * as ort from 'onnxruntime-node';
import { EngineError } from '../errors.js';
import type { Graph } from './graph.js';
import type { Dim, Node } from './ir.js';
import { exportOnnx, requiredInputs, selectOutputs } from './onnx-export.js';
import { messageOf, sessionCache } from './session-cache.js';
import { formatShape, sizeOf } from './shapes.js';
import type { Tensor } from './tensor.js';

/** Options of `compileGraph`. */
export type CompileOptions = {
  /** Graph outputs to compute; all of them when absent. Only the nodes they need are compiled. */
  readonly outputs?: readonly string[];
  /** Threads inside each operator; `os.availableParallelism()` when absent. */
  readonly threads?: number;
};

/** A graph compiled for ONNX Runtime: run it with feeds for its inputs, dispose it when done. */
export interface CompiledGraph {
  /** The graph inputs this computation needs, in declaration order. */
  readonly inputNames: readonly string[];
  /** The outputs each run returns. */
  readonly outputNames: readonly string[];
  /** Runs the graph; feeds are validated against the IR types and shapes first. */
  run(feeds: Record<string, Tensor>): Promise<Record<string, Tensor>>;
  /** Releases this handle on the shared session. */
  dispose(): Promise<void>;
}

/** Exports the graph to ONNX and opens (or reuses) an ONNX Runtime session for it. */
export async function compileGraph(graph: Graph, options: CompileOptions = {}): Promise<CompiledGraph> {
  const threads = options.threads ?? os.availableParallelism();
  if (!Number.isInteger(threads) || threads < 1)
    throw new EngineError('invalid_argument', `threads must be a positive integer, got ${threads}`);
  const outputNames = selectOutputs(graph, options.outputs).map(([name]) => name);
  const inputs = requiredInputs(graph, outputNames);
  const allInputNames = new Set(graph.inputs().map((n) => (n.spec as { name: string }).name));
  const bytes = exportOnnx(graph, { outputs: outputNames });
  const settings = { intraOpThreads: threads };
  const key = sessionCache.key(bytes, settings);
  const session = await sessionCache.acquire(key, bytes, settings);
  let disposed = false;

  return {
    inputNames: inputs.map((n) => (n.spec as { name: string }).name),
    outputNames,
    async run(feeds) {
      if (disposed) throw new EngineError('invalid_argument', 'this compiled graph was disposed');
      const ortFeeds = validateFeeds(inputs, allInputNames, feeds);
      let results: ort.InferenceSession.ReturnType;
      try {
        results = await session.run(ortFeeds, outputNames);
      } catch (error) {
        throw new EngineError(
          'runtime_failure',
          `ONNX Runtime failed to run the graph: ${messageOf(error)}`,
          { cause: error },
        );
      }
      const out: Record<string, Tensor> = {};
      for (const name of outputNames) out[name] = fromOrt(results[name], name);
      return out;
    },
    async dispose() {
      if (disposed) return;
      disposed = true;
      await sessionCache.release(key);
    },
  };
}

/**
 * Checks feeds against the IR inputs and wraps them as ORT tensors. Feeds for graph inputs this
 * computation does not need are ignored; names that are no graph input at all are errors.
 */
export function validateFeeds(
  inputs: readonly Node[],
  allInputNames: ReadonlySet<string>,
  feeds: Record<string, Tensor>,
): Record<string, ort.Tensor> {
  for (const name of Object.keys(feeds)) {
    if (!allInputNames.has(name)) {
      throw new EngineError(
        'invalid_feed',
        `"${name}" is not a graph input; inputs are ${[...allInputNames].join(', ')}`,
      );
    }
  }
  const bound = new Map<string, { size: number; input: string }>();
  const out: Record<string, ort.Tensor> = {};
  for (const node of inputs) {
    const name = (node.spec as { name: string }).name;
    const tensor = feeds[name];
    if (tensor === undefined)
      throw new EngineError(
        'missing_feed',
        `no value fed for graph input "${name}" ${node.dtype}${formatShape(node.shape)}`,
      );
    const expected = `${node.dtype}${formatShape(node.shape)}`;
    const got = `${tensor.dtype}${formatShape(tensor.shape)}`;
    if (tensor.dtype !== node.dtype)
      throw new EngineError('invalid_feed', `input "${name}": expected ${expected}, got ${got}`);
    if (tensor.shape.length !== node.shape.length) {
      throw new EngineError(
        'invalid_feed',
        `input "${name}": expected rank ${node.shape.length} ${expected}, got ${got}`,
      );
    }
    node.shape.forEach((dim: Dim, i) => {
      const size = tensor.shape[i];
      if (typeof dim === 'number') {
        if (size !== dim)
          throw new EngineError(
            'invalid_feed',
            `input "${name}": dim ${i} must be ${dim}; expected ${expected}, got ${got}`,
          );
        return;
      }
      const previous = bound.get(dim);
      if (previous && previous.size !== size) {
        throw new EngineError(
          'invalid_feed',
          `input "${name}": symbol ${dim} is ${size} here but ${previous.size} in input "${previous.input}"; expected ${expected}, got ${got}`,
        );
      }
      bound.set(dim, { size, input: name });
    });
    if (tensor.data.length !== sizeOf(tensor.shape)) {
      throw new EngineError(
        'invalid_feed',
        `input "${name}": ${tensor.data.length} values for shape ${formatShape(tensor.shape)}`,
      );
    }
    out[name] = toOrt(tensor);
  }
  return out;
}

/** Wraps a host tensor for ORT, sharing its buffer. */
function toOrt(tensor: Tensor): ort.Tensor {
  switch (tensor.dtype) {
    case 'float32':
      return new ort.Tensor('float32', tensor.data, tensor.shape);
    case 'int64':
      return new ort.Tensor('int64', tensor.data, tensor.shape);
    case 'bool':
      return new ort.Tensor('bool', tensor.data, tensor.shape);
  }
}

/** Wraps an ORT result as a host tensor, sharing its buffer. */
function fromOrt(value: ort.Tensor | undefined, name: string): Tensor {
  if (value === undefined)
    throw new EngineError('runtime_failure', `ONNX Runtime returned no value for output "${name}"`);
  const shape = [...value.dims];
  switch (value.type) {
    case 'float32':
      return { dtype: 'float32', shape, data: value.data as Float32Array };
    case 'int64':
      return { dtype: 'int64', shape, data: value.data as BigInt64Array };
    case 'bool':
      return { dtype: 'bool', shape, data: value.data as Uint8Array };
    default:
      throw new EngineError('runtime_failure', `output "${name}" has unsupported element type ${value.type}`);
  }
}
