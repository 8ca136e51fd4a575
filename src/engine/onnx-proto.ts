// The subset of the ONNX protobuf schema the exporter writes, and its binary encoder.
// Field numbers follow onnx/onnx.proto (IR version 8); messages are plain objects encoded by protobufjs.

import protobuf from 'protobufjs';

/** ONNX IR version written into every model (ONNX 1.10+, understood by every supported runtime). */
export const ONNX_IR_VERSION = 8;

/** Opset of the default ONNX domain the exporter targets. */
export const ONNX_DEFAULT_OPSET = 17;

/** The ONNX Runtime contrib-op domain (FusedMatMul, FastGelu) and its opset version. */
export const MICROSOFT_DOMAIN = 'com.microsoft';

/** Opset version of the `com.microsoft` domain. */
export const MICROSOFT_OPSET = 1;

/** TensorProto.DataType codes the engine uses. */
export const OnnxDataType = { FLOAT: 1, INT32: 6, INT64: 7, BOOL: 9 } as const;

/** AttributeProto.AttributeType codes the engine uses. */
export const OnnxAttributeType = { FLOAT: 1, INT: 2, STRING: 3, TENSOR: 4, FLOATS: 6, INTS: 7 } as const;

/** TensorProto: a literal tensor; the exporter always stores its bytes little-endian in `rawData`. */
export type OnnxTensor = {
  readonly name: string;
  readonly dims: readonly number[];
  readonly dataType: number;
  readonly rawData: Uint8Array;
};

/** AttributeProto: one named attribute of a node. */
export type OnnxAttribute = {
  readonly name: string;
  readonly type: number;
  readonly f?: number;
  readonly i?: number;
  readonly s?: Uint8Array;
  readonly t?: OnnxTensor;
  readonly floats?: readonly number[];
  readonly ints?: readonly number[];
};

/** NodeProto: one operator application. */
export type OnnxNode = {
  readonly name?: string;
  readonly opType: string;
  readonly domain?: string;
  readonly input: readonly string[];
  readonly output: readonly string[];
  readonly attribute?: readonly OnnxAttribute[];
};

/** TensorShapeProto.Dimension: a fixed size, a named symbol, or (both absent) unknown. */
export type OnnxDimension = { readonly dimValue?: number; readonly dimParam?: string };

/** ValueInfoProto with a tensor type: the name, element type and shape of a graph input or output. */
export type OnnxValueInfo = {
  readonly name: string;
  readonly type: {
    readonly tensorType: {
      readonly elemType: number;
      readonly shape: { readonly dim: readonly OnnxDimension[] };
    };
  };
};

/** GraphProto: nodes in topological order, initializers, inputs and outputs. */
export type OnnxGraph = {
  readonly name: string;
  readonly node: readonly OnnxNode[];
  readonly initializer: readonly OnnxTensor[];
  readonly input: readonly OnnxValueInfo[];
  readonly output: readonly OnnxValueInfo[];
};

/** OperatorSetIdProto: a domain ('' is the default ONNX domain) and its opset version. */
export type OnnxOpsetId = { readonly domain: string; readonly version: number };

/** ModelProto: the file written to disk or handed to ONNX Runtime. */
export type OnnxModel = {
  readonly irVersion: number;
  readonly opsetImport: readonly OnnxOpsetId[];
  readonly producerName: string;
  readonly producerVersion: string;
  readonly graph: OnnxGraph;
};

// Field ids from onnx.proto (proto2). Only the fields above are declared; readers skip nothing we write.
const SCHEMA = {
  nested: {
    onnx: {
      nested: {
        AttributeProto: {
          fields: {
            name: { type: 'string', id: 1 },
            f: { type: 'float', id: 2 },
            i: { type: 'int64', id: 3 },
            s: { type: 'bytes', id: 4 },
            t: { type: 'TensorProto', id: 5 },
            floats: { rule: 'repeated', type: 'float', id: 7 },
            ints: { rule: 'repeated', type: 'int64', id: 8 },
            type: { type: 'int32', id: 20 },
          },
        },
        ValueInfoProto: {
          fields: { name: { type: 'string', id: 1 }, type: { type: 'TypeProto', id: 2 } },
        },
        NodeProto: {
          fields: {
            input: { rule: 'repeated', type: 'string', id: 1 },
            output: { rule: 'repeated', type: 'string', id: 2 },
            name: { type: 'string', id: 3 },
            opType: { type: 'string', id: 4 },
            attribute: { rule: 'repeated', type: 'AttributeProto', id: 5 },
            domain: { type: 'string', id: 7 },
          },
        },
        ModelProto: {
          fields: {
            irVersion: { type: 'int64', id: 1 },
            producerName: { type: 'string', id: 2 },
            producerVersion: { type: 'string', id: 3 },
            graph: { type: 'GraphProto', id: 7 },
            opsetImport: { rule: 'repeated', type: 'OperatorSetIdProto', id: 8 },
          },
        },
        GraphProto: {
          fields: {
            node: { rule: 'repeated', type: 'NodeProto', id: 1 },
            name: { type: 'string', id: 2 },
            initializer: { rule: 'repeated', type: 'TensorProto', id: 5 },
            input: { rule: 'repeated', type: 'ValueInfoProto', id: 11 },
            output: { rule: 'repeated', type: 'ValueInfoProto', id: 12 },
          },
        },
        TensorProto: {
          fields: {
            dims: { rule: 'repeated', type: 'int64', id: 1 },
            dataType: { type: 'int32', id: 2 },
            name: { type: 'string', id: 8 },
            rawData: { type: 'bytes', id: 9 },
          },
        },
        TensorShapeProto: {
          fields: { dim: { rule: 'repeated', type: 'Dimension', id: 1 } },
          nested: {
            Dimension: {
              oneofs: { value: { oneof: ['dimValue', 'dimParam'] } },
              fields: { dimValue: { type: 'int64', id: 1 }, dimParam: { type: 'string', id: 2 } },
            },
          },
        },
        TypeProto: {
          oneofs: { value: { oneof: ['tensorType'] } },
          fields: { tensorType: { type: 'Tensor', id: 1 } },
          nested: {
            Tensor: {
              fields: { elemType: { type: 'int32', id: 1 }, shape: { type: 'TensorShapeProto', id: 2 } },
            },
          },
        },
        OperatorSetIdProto: {
          fields: { domain: { type: 'string', id: 1 }, version: { type: 'int64', id: 2 } },
        },
      },
    },
  },
};

let modelType: protobuf.Type | undefined;

/** The ModelProto type, built once from the schema above. */
function modelProto(): protobuf.Type {
  modelType ??= protobuf.Root.fromJSON(SCHEMA).lookupType('onnx.ModelProto');
  return modelType;
}

/** Serialises a model to the ONNX binary format (a ModelProto). */
export function encodeOnnxModel(model: OnnxModel): Uint8Array {
  // Plain objects whose keys match the schema encode directly; fromObject would copy every tensor's bytes.
  return modelProto()
    .encode(model as unknown as Record<string, unknown>)
    .finish();
}

/** Parses ONNX bytes back into plain objects (for tests and inspection; unknown fields are dropped). */
export function decodeOnnxModel(bytes: Uint8Array): OnnxModel {
  const type = modelProto();
  return type.toObject(type.decode(bytes), {
    longs: Number,
    bytes: Uint8Array,
    defaults: false,
    arrays: true,
  }) as unknown as OnnxModel;
}
