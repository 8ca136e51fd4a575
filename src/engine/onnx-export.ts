// Exports a graph (or the part of it needed for some outputs) as one ONNX model for ONNX Runtime.
// Inputs keep their names and symbolic dims (as dim_param); constants become initializers.

import { EngineError } from '../errors.js';
import type { Graph } from './graph.js';
import type { Node, Shape } from './ir.js';
import { OnnxEmitter, onnxDataType } from './onnx-emitter.js';
import { lowerNode } from './onnx-lowering.js';
import {
  MICROSOFT_DOMAIN,
  MICROSOFT_OPSET,
  ONNX_DEFAULT_OPSET,
  ONNX_IR_VERSION,
  encodeOnnxModel,
  type OnnxDimension,
  type OnnxValueInfo,
} from './onnx-proto.js';

/** Options of `exportOnnx`. */
export type ExportOnnxOptions = {
  /** Graph outputs to compute, by name; all of the graph's outputs when absent. */
  readonly outputs?: readonly string[];
  /** Opset of the default ONNX domain (17 or later; the lowering targets 17's operator signatures). */
  readonly opset?: number;
  /**
   * Float32 values for graph inputs (by name) that become initializers stored in the model instead
   * of inputs: a self-contained model, such as a language model with its weights.
   */
  readonly initializers?: ReadonlyMap<string, Float32Array>;
};

/** The graph outputs requested, as (name, node id) pairs; unknown names fail. */
export function selectOutputs(graph: Graph, names?: readonly string[]): Array<[string, number]> {
  const selected = names ?? [...graph.outputs.keys()];
  if (selected.length === 0) throw new EngineError('invalid_graph', 'the graph has no outputs to export');
  return selected.map((name) => {
    const id = graph.outputs.get(name);
    if (id === undefined) {
      throw new EngineError(
        'invalid_graph',
        `unknown graph output "${name}"; outputs are ${[...graph.outputs.keys()].join(', ')}`,
      );
    }
    return [name, id];
  });
}

/** Ids of the nodes the given roots depend on, ascending (which is topological order). */
export function reachableNodes(graph: Graph, roots: readonly number[]): number[] {
  const seen = new Set<number>();
  const stack = [...roots];
  while (stack.length > 0) {
    const id = stack.pop() as number;
    if (seen.has(id)) continue;
    seen.add(id);
    for (const input of graph.node(id).inputs) stack.push(input);
  }
  return [...seen].sort((p, q) => p - q);
}

/** The IR input nodes needed for the given outputs, in declaration order. */
export function requiredInputs(graph: Graph, outputs?: readonly string[]): Node[] {
  const ids = reachableNodes(
    graph,
    selectOutputs(graph, outputs).map(([, id]) => id),
  );
  return ids.map((id) => graph.node(id)).filter((n) => n.spec.kind === 'input');
}

/** Serialises the graph to ONNX bytes computing the requested outputs, emitting only the nodes they need. */
export function exportOnnx(graph: Graph, options: ExportOnnxOptions = {}): Uint8Array {
  const opset = options.opset ?? ONNX_DEFAULT_OPSET;
  if (!Number.isInteger(opset) || opset < ONNX_DEFAULT_OPSET) {
    throw new EngineError(
      'invalid_graph',
      `opset ${opset} is not supported; use ${ONNX_DEFAULT_OPSET} or later`,
    );
  }
  const outputs = selectOutputs(graph, options.outputs);
  const ids = reachableNodes(
    graph,
    outputs.map(([, id]) => id),
  );
  const nodes = ids.map((id) => graph.node(id));
  const inputNodes = nodes.filter((n) => n.spec.kind === 'input');
  const inputNames = inputNodes.map((n) => (n.spec as { name: string }).name);
  const stored = options.initializers ?? new Map<string, Float32Array>();
  const emitter = new OnnxEmitter([...inputNames, ...outputs.map(([name]) => name)]);

  // A computed node requested as an output is written straight under the output's name (no copy).
  const names = new Map<number, string>();
  for (const node of inputNodes) names.set(node.id, (node.spec as { name: string }).name);
  for (const [name, id] of outputs) {
    const input = inputNames.indexOf(name);
    if (input >= 0 && inputNodes[input].id !== id) {
      throw new EngineError(
        'invalid_graph',
        `output "${name}" has the name of a different graph input; ONNX needs distinct names`,
      );
    }
  }
  const aliased = new Set<string>();
  for (const [name, id] of outputs) {
    const kind = graph.node(id).spec.kind;
    if (!names.has(id) && kind !== 'constant') {
      names.set(id, name);
      aliased.add(name);
    }
  }
  for (const node of nodes) if (!names.has(node.id)) names.set(node.id, emitter.fresh());

  for (const node of nodes) {
    const output = names.get(node.id) as string;
    if (node.spec.kind === 'input') {
      const values = stored.get(output);
      if (values !== undefined) emitter.initializer(output, 'float32', initializerDims(node, values), values);
      continue;
    }
    if (node.spec.kind === 'constant') {
      emitter.initializer(output, node.dtype, node.shape as number[], node.spec.data);
      continue;
    }
    lowerNode(node, {
      emitter,
      inputs: node.inputs.map((id) => names.get(id) as string),
      inputNodes: node.inputs.map((id) => graph.node(id)),
      output,
    });
  }
  // Outputs that alias an input, a constant or another output get an Identity.
  for (const [name, id] of outputs) {
    const source = names.get(id) as string;
    if (source === name) continue; // an input returned under its own name
    if (!aliased.has(name)) emitter.node('Identity', [source], { output: name });
    else aliased.delete(name);
  }

  const symbols = new Set(
    inputNodes.flatMap((n) => n.shape.filter((d): d is string => typeof d === 'string')),
  );
  return encodeOnnxModel({
    irVersion: ONNX_IR_VERSION,
    opsetImport: [
      { domain: '', version: opset },
      { domain: MICROSOFT_DOMAIN, version: MICROSOFT_OPSET },
    ],
    producerName: 'stateset-agents',
    producerVersion: '0.1.0',
    graph: {
      name: 'stateset_graph',
      node: emitter.nodes,
      initializer: emitter.initializers,
      input: inputNodes
        .filter((n) => !stored.has((n.spec as { name: string }).name))
        .map((n) => valueInfo((n.spec as { name: string }).name, n, symbols)),
      output: outputs.map(([name, id]) => valueInfo(name, graph.node(id), symbols)),
    },
  });
}

/** The static dims of an input stored as an initializer; its values must fill them exactly. */
function initializerDims(node: Node, values: Float32Array): number[] {
  const name = (node.spec as { name: string }).name;
  const dims = node.shape.filter((d): d is number => typeof d === 'number');
  const size = dims.reduce((p, d) => p * d, 1);
  if (node.dtype !== 'float32' || dims.length !== node.shape.length || size !== values.length) {
    throw new EngineError(
      'invalid_graph',
      `initializer "${name}": input ${node.dtype} [${node.shape.join(', ')}] cannot hold ${values.length} float32 values`,
    );
  }
  return dims;
}

/** A graph input/output declaration; derived symbols (such as `B*T`) are written as unknown dims. */
function valueInfo(name: string, node: Node, symbols: ReadonlySet<string>): OnnxValueInfo {
  return {
    name,
    type: { tensorType: { elemType: onnxDataType(node.dtype), shape: { dim: dims(node.shape, symbols) } } },
  };
}

function dims(shape: Shape, symbols: ReadonlySet<string>): OnnxDimension[] {
  return shape.map((d) => {
    if (typeof d === 'number') return { dimValue: d };
    return symbols.has(d) ? { dimParam: d } : {};
  });
}
