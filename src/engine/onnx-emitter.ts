// Bookkeeping for writing one ONNX graph: fresh tensor names, nodes, attributes and deduplicated
// initializers. The op lowering in `onnx-export.ts` speaks only through this class.

import type { DType } from './ir.js';
import {
  MICROSOFT_DOMAIN,
  OnnxAttributeType,
  OnnxDataType,
  type OnnxAttribute,
  type OnnxNode,
  type OnnxTensor,
} from './onnx-proto.js';

/** The ONNX element type code of an engine dtype. */
export function onnxDataType(dtype: DType): number {
  if (dtype === 'float32') return OnnxDataType.FLOAT;
  if (dtype === 'int64') return OnnxDataType.INT64;
  return OnnxDataType.BOOL;
}

/** An integer attribute. */
export function intAttr(name: string, value: number): OnnxAttribute {
  return { name, type: OnnxAttributeType.INT, i: value };
}

/** A float attribute. */
export function floatAttr(name: string, value: number): OnnxAttribute {
  return { name, type: OnnxAttributeType.FLOAT, f: value };
}

/** A list-of-integers attribute. */
export function intsAttr(name: string, values: readonly number[]): OnnxAttribute {
  return { name, type: OnnxAttributeType.INTS, ints: values };
}

/** A string attribute (stored as UTF-8 bytes). */
export function stringAttr(name: string, value: string): OnnxAttribute {
  return { name, type: OnnxAttributeType.STRING, s: new TextEncoder().encode(value) };
}

/** A tensor attribute, such as ConstantOfShape's fill value. */
export function tensorAttr(name: string, tensor: OnnxTensor): OnnxAttribute {
  return { name, type: OnnxAttributeType.TENSOR, t: tensor };
}

/** Row-major values as the little-endian bytes ONNX stores in `raw_data`. */
export function rawBytes(dtype: DType, values: ArrayLike<number>): Uint8Array {
  if (dtype === 'float32') {
    const array = Float32Array.from(values);
    return new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
  }
  if (dtype === 'int64') {
    const array = BigInt64Array.from(Array.from(values), (v) => BigInt(Math.trunc(v)));
    return new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
  }
  return Uint8Array.from(Array.from(values), (v) => (v ? 1 : 0));
}

/** Options of one emitted node. */
export type NodeOptions = {
  readonly attributes?: readonly OnnxAttribute[];
  /** Name of the (single) output; a fresh name when absent. */
  readonly output?: string;
  /** 'com.microsoft' for ONNX Runtime contrib ops; the default ONNX domain when absent. */
  readonly domain?: typeof MICROSOFT_DOMAIN;
};

/** Accumulates the nodes and initializers of one ONNX graph. */
export class OnnxEmitter {
  readonly nodes: OnnxNode[] = [];
  readonly initializers: OnnxTensor[] = [];
  private readonly reserved: ReadonlySet<string>;
  private readonly constants = new Map<string, string>();
  private counter = 0;

  /** `reserved` are names the caller owns (graph inputs and outputs); fresh names avoid them. */
  constructor(reserved: Iterable<string>) {
    this.reserved = new Set(reserved);
  }

  /** A tensor name used nowhere else in the graph. */
  fresh(): string {
    let name: string;
    do name = `_t${this.counter++}`;
    while (this.reserved.has(name));
    return name;
  }

  /** Appends a single-output node and returns its output name. */
  node(opType: string, inputs: readonly string[], options: NodeOptions = {}): string {
    const output = options.output ?? this.fresh();
    this.nodes.push({
      name: `${opType}${output}`,
      opType,
      input: inputs,
      output: [output],
      ...(options.domain ? { domain: options.domain } : {}),
      ...(options.attributes ? { attribute: options.attributes } : {}),
    });
    return output;
  }

  /** Adds an initializer under `name` (a graph constant fed by no one). */
  initializer(name: string, dtype: DType, dims: readonly number[], values: ArrayLike<number>): string {
    this.initializers.push({
      name,
      dims: [...dims],
      dataType: onnxDataType(dtype),
      rawData: rawBytes(dtype, values),
    });
    return name;
  }

  /** A small shared constant (shapes, axes, scalars); identical constants are emitted once. */
  constant(dtype: DType, dims: readonly number[], values: readonly number[]): string {
    return this.shared(`${dtype}|${dims.join(',')}|${values.join(',')}`, dtype, dims, () => values);
  }

  /** An initializer emitted once per `key`; `values` is only called the first time. */
  shared(key: string, dtype: DType, dims: readonly number[], values: () => ArrayLike<number>): string {
    const known = this.constants.get(key);
    if (known !== undefined) return known;
    const name = this.initializer(this.fresh(), dtype, dims, values());
    this.constants.set(key, name);
    return name;
  }

  /** A 1-D int64 constant, as Reshape shapes and Reduce/Slice/Unsqueeze axes want. */
  ints(values: readonly number[]): string {
    return this.constant('int64', [values.length], values);
  }

  /** A float32 scalar constant. */
  scalar(value: number): string {
    return this.constant('float32', [], [value]);
  }
}
