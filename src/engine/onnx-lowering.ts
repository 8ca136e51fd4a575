// Lowers each IR op (semantics in ir.ts) to ONNX opset-17 nodes, preferring the fastest ONNX Runtime
// CPU kernels: FusedMatMul for transposed products, FastGelu, LayerNormalization, SimplifiedLayerNormalization.

import { EngineError } from '../errors.js';
import type { Dim, Node, Shape } from './ir.js';
import { MASK_VALUE } from './ir.js';
import { MICROSOFT_DOMAIN } from './onnx-proto.js';
import { lowerDropoutMask } from './onnx-lowering-dropout.js';
import {
  floatAttr,
  intAttr,
  intsAttr,
  onnxDataType,
  stringAttr,
  tensorAttr,
  rawBytes,
  type OnnxEmitter,
} from './onnx-emitter.js';

/** What lowering one node may consult: the emitter, input tensor names and the IR nodes themselves. */
export type LoweringContext = {
  readonly emitter: OnnxEmitter;
  /** The ONNX tensor name of each IR input of the node, in order. */
  readonly inputs: readonly string[];
  /** The IR nodes of those inputs (for static shapes and dtypes). */
  readonly inputNodes: readonly Node[];
  /** The ONNX tensor name the node's result must have. */
  readonly output: string;
};

const UNARY_OPS: Record<string, string> = {
  neg: 'Neg',
  exp: 'Exp',
  log: 'Log',
  sqrt: 'Sqrt',
  tanh: 'Tanh',
  sigmoid: 'Sigmoid',
  abs: 'Abs',
  reciprocal: 'Reciprocal',
};
const BINARY_OPS: Record<string, string> = {
  add: 'Add',
  sub: 'Sub',
  mul: 'Mul',
  div: 'Div',
  pow: 'Pow',
  maximum: 'Max',
  minimum: 'Min',
};
const COMPARE_OPS: Record<string, string> = { equal: 'Equal', less: 'Less', greater: 'Greater' };

/** The shape as plain numbers when every dim is static, else undefined. */
function staticShape(shape: Shape): number[] | undefined {
  return shape.every((d): d is number => typeof d === 'number') ? [...shape] : undefined;
}

/** A tensor holding the runtime shape of `node`: a constant when static, else Shape(name). */
function shapeOf(emitter: OnnxEmitter, name: string, node: Node): string {
  const fixed = staticShape(node.shape);
  return fixed ? emitter.ints(fixed) : emitter.node('Shape', [name]);
}

/** Emits the ONNX nodes computing `node` into `context.output`. Throws 'unknown_op' for unknown kinds. */
export function lowerNode(node: Node, context: LoweringContext): void {
  const { emitter, inputs, inputNodes, output } = context;
  const [x, y, z] = inputs;
  const spec = node.spec;
  switch (spec.kind) {
    case 'unary': {
      if (spec.op === 'gelu') {
        emitter.node('FastGelu', [x], { output, domain: MICROSOFT_DOMAIN }); // tanh approximation, as ir.ts
      } else if (spec.op === 'silu') {
        emitter.node('Mul', [x, emitter.node('Sigmoid', [x])], { output });
      } else {
        const opType = UNARY_OPS[spec.op];
        if (!opType) throw new EngineError('unknown_op', `unknown unary op "${String(spec.op)}"`);
        emitter.node(opType, [x], { output });
      }
      return;
    }
    case 'binary': {
      const opType = BINARY_OPS[spec.op];
      if (!opType) throw new EngineError('unknown_op', `unknown binary op "${String(spec.op)}"`);
      emitter.node(opType, [x, y], { output });
      return;
    }
    case 'compare': {
      const opType = COMPARE_OPS[spec.op];
      if (!opType) throw new EngineError('unknown_op', `unknown compare op "${String(spec.op)}"`);
      // Less/Greater have no bool kernel; 0/1 as int32 orders the same way.
      const asNumber = (name: string) => emitter.node('Cast', [name], { attributes: [intAttr('to', 6)] });
      const numeric = inputNodes[0].dtype === 'bool' && spec.op !== 'equal';
      emitter.node(opType, numeric ? [asNumber(x), asNumber(y)] : [x, y], { output });
      return;
    }
    case 'matmul':
      lowerMatmul(emitter, x, y, spec.transA, spec.transB, output);
      return;
    case 'reduce': {
      if (spec.axes.length === 0) {
        emitter.node('Identity', [x], { output });
      } else if (spec.op === 'sum') {
        emitter.node('ReduceSum', [x, emitter.ints(spec.axes)], {
          output,
          attributes: [intAttr('keepdims', spec.keepDims ? 1 : 0)],
        });
      } else {
        const opType = spec.op === 'mean' ? 'ReduceMean' : 'ReduceMax';
        emitter.node(opType, [x], {
          output,
          attributes: [intsAttr('axes', spec.axes), intAttr('keepdims', spec.keepDims ? 1 : 0)],
        });
      }
      return;
    }
    case 'softmax':
      emitter.node('Softmax', [x], { output, attributes: [intAttr('axis', -1)] });
      return;
    case 'logSoftmax':
      emitter.node('LogSoftmax', [x], { output, attributes: [intAttr('axis', -1)] });
      return;
    case 'layerNorm':
      emitter.node('LayerNormalization', [x, y, z], {
        output,
        attributes: [intAttr('axis', -1), floatAttr('epsilon', spec.epsilon)],
      });
      return;
    case 'rmsNorm':
      // ONNX Runtime registers SimplifiedLayerNormalization (x / sqrt(mean(x²) + eps) * gamma) in the default domain.
      emitter.node('SimplifiedLayerNormalization', [x, y], {
        output,
        attributes: [intAttr('axis', -1), floatAttr('epsilon', spec.epsilon)],
      });
      return;
    case 'gather':
      emitter.node('Gather', [x, y], { output, attributes: [intAttr('axis', 0)] });
      return;
    case 'scatterAddRows':
      lowerScatterAddRows(context, node);
      return;
    case 'reshape':
      emitter.node('Reshape', [x, emitter.ints(spec.shape)], { output });
      return;
    case 'reshapeLike':
      emitter.node('Reshape', [x, shapeOf(emitter, y, inputNodes[1])], { output });
      return;
    case 'sumToShapeOf':
      lowerSumToShapeOf(context);
      return;
    case 'broadcastLike':
      emitter.node('Expand', [x, shapeOf(emitter, y, inputNodes[1])], { output });
      return;
    case 'pad': {
      // Opset 17 Pad takes [begin of every axis..., end of every axis...]; the fill defaults to 0.
      const rank = node.shape.length;
      const pads = new Array<number>(2 * rank).fill(0);
      pads[spec.axis] = spec.before;
      pads[rank + spec.axis] = spec.after;
      emitter.node('Pad', [x, emitter.ints(pads)], { output });
      return;
    }
    case 'transpose':
      emitter.node('Transpose', [x], { output, attributes: [intsAttr('perm', spec.perm)] });
      return;
    case 'slice':
      emitter.node(
        'Slice',
        [x, emitter.ints([spec.start]), emitter.ints([spec.end]), emitter.ints([spec.axis])],
        { output },
      );
      return;
    case 'concat':
      emitter.node('Concat', inputs, { output, attributes: [intAttr('axis', spec.axis)] });
      return;
    case 'where':
      emitter.node('Where', [x, y, z], { output });
      return;
    case 'cast':
      emitter.node('Cast', [x], { output, attributes: [intAttr('to', onnxDataType(spec.to))] });
      return;
    case 'oneHot': {
      // (..., 1) == (depth) → (..., depth), then 0/1 as float32; out-of-range ids give all zeros.
      const range = emitter.constant(
        'int64',
        [spec.depth],
        Array.from({ length: spec.depth }, (_, i) => i),
      );
      const hit = emitter.node('Equal', [emitter.node('Unsqueeze', [x, emitter.ints([-1])]), range]);
      emitter.node('Cast', [hit], { output, attributes: [intAttr('to', onnxDataType('float32'))] });
      return;
    }
    case 'targetLogprobs': {
      const logprobs = emitter.node('LogSoftmax', [x], { attributes: [intAttr('axis', -1)] }); // (..., V)
      const index = emitter.node('Unsqueeze', [y, emitter.ints([-1])]); // (..., 1)
      const picked = emitter.node('GatherElements', [logprobs, index], { attributes: [intAttr('axis', -1)] }); // (..., 1)
      emitter.node('Squeeze', [picked, emitter.ints([-1])], { output }); // (...)
      return;
    }
    case 'causalMask':
      lowerCausalMask(context, inputNodes[0].shape.slice(-2));
      return;
    case 'stopGradient':
      emitter.node('Identity', [x], { output });
      return;
    case 'dropoutMask':
      lowerDropoutMask(context, spec.rate, spec.salt);
      return;
    case 'input':
    case 'constant':
      throw new EngineError(
        'invalid_graph',
        `${spec.kind} nodes are graph inputs or initializers, not lowered ops`,
      );
    default:
      throw new EngineError(
        'unknown_op',
        `unknown op kind "${String((spec as { kind: unknown }).kind)}" at node ${node.id}`,
      );
  }
}

/** MatMul when untransposed; otherwise ONNX Runtime's FusedMatMul, which transposes inside the GEMM. */
function lowerMatmul(
  emitter: OnnxEmitter,
  a: string,
  b: string,
  transA: boolean,
  transB: boolean,
  output: string,
): void {
  if (!transA && !transB) {
    emitter.node('MatMul', [a, b], { output });
    return;
  }
  emitter.node('FusedMatMul', [a, b], {
    output,
    domain: MICROSOFT_DOMAIN,
    attributes: [intAttr('transA', transA ? 1 : 0), intAttr('transB', transB ? 1 : 0), floatAttr('alpha', 1)],
  });
}

/** zeros(like) with rows added by ScatterND(reduction='add'): indices (...) → (..., 1), updates (..., C...). */
function lowerScatterAddRows(context: LoweringContext, node: Node): void {
  const { emitter, inputs, inputNodes, output } = context;
  const [like, indices, updates] = inputs;
  const zero = {
    name: 'value',
    dims: [1],
    dataType: onnxDataType('float32'),
    rawData: rawBytes('float32', [0]),
  };
  const zeros = emitter.node('ConstantOfShape', [shapeOf(emitter, like, inputNodes[0])], {
    attributes: [tensorAttr('value', zero)],
  });
  const index = emitter.node('Unsqueeze', [indices, emitter.ints([-1])]);
  // The builder lets updates broadcast (size-1 dims); ScatterND needs them at full size.
  const expected: Dim[] = [...inputNodes[1].shape, ...node.shape.slice(1)];
  const needsExpand = inputNodes[2].shape.some((d, i) => d !== expected[i]);
  let rows = updates;
  if (needsExpand) {
    const rowShape = emitter.node('Slice', [
      shapeOf(emitter, like, inputNodes[0]),
      emitter.ints([1]),
      emitter.ints([Number.MAX_SAFE_INTEGER]),
    ]);
    const full = emitter.node('Concat', [shapeOf(emitter, indices, inputNodes[1]), rowShape], {
      attributes: [intAttr('axis', 0)],
    });
    rows = emitter.node('Expand', [updates, full]);
  }
  emitter.node('ScatterND', [zeros, index, rows], { output, attributes: [stringAttr('reduction', 'add')] });
}

/** ReduceSum over the axes along which `like` was broadcast to x's shape, then Reshape to like's shape. */
function lowerSumToShapeOf(context: LoweringContext): void {
  const { emitter, inputs, inputNodes, output } = context;
  const [x, like] = inputs;
  const xShape = inputNodes[0].shape;
  const likeShape = inputNodes[1].shape;
  const lead = xShape.length - likeShape.length;
  const axes: number[] = [];
  xShape.forEach((d, i) => {
    if (i < lead || (likeShape[i - lead] === 1 && d !== 1)) axes.push(i);
  });
  const onlyLeading = axes.every((a) => a < lead);
  if (axes.length === 0) {
    const same = lead === 0 && xShape.every((d, i) => d === likeShape[i]);
    if (same) emitter.node('Identity', [x], { output });
    else emitter.node('Reshape', [x, shapeOf(emitter, like, inputNodes[1])], { output });
    return;
  }
  const keepdims = intAttr('keepdims', onlyLeading ? 0 : 1);
  if (onlyLeading) {
    emitter.node('ReduceSum', [x, emitter.ints(axes)], { output, attributes: [keepdims] });
    return;
  }
  const summed = emitter.node('ReduceSum', [x, emitter.ints(axes)], { attributes: [keepdims] });
  emitter.node('Reshape', [summed, shapeOf(emitter, like, inputNodes[1])], { output });
}

/** The (T, S) additive causal bias: a constant when T and S are static, else built from Shape(scores). */
function lowerCausalMask(context: LoweringContext, lastTwo: Shape): void {
  const { emitter, inputs, output } = context;
  const [t, s] = lastTwo;
  if (typeof t === 'number' && typeof s === 'number') {
    const bias = emitter.shared(`causalMask|${t}|${s}`, 'float32', [t, s], () => {
      const values = new Float32Array(t * s);
      for (let i = 0; i < t; i++)
        for (let j = Math.max(0, i + (s - t) + 1); j < s; j++) values[i * s + j] = MASK_VALUE;
      return values;
    });
    emitter.node('Identity', [bias], { output }); // one mask shared by every layer; ORT removes the Identity
    return;
  }
  const dims = emitter.node('Shape', [inputs[0]], { attributes: [intAttr('start', -2)] }); // [T, S]
  const scalarAt = (i: number) =>
    emitter.node('Gather', [dims, emitter.constant('int64', [], [i])], { attributes: [intAttr('axis', 0)] });
  const rows = scalarAt(0); // T
  const cols = scalarAt(1); // S
  const zero = emitter.constant('int64', [], [0]);
  const one = emitter.constant('int64', [], [1]);
  const query = emitter.node('Range', [zero, rows, one]); // (T)
  const key = emitter.node('Range', [zero, cols, one]); // (S)
  const limit = emitter.node('Add', [query, emitter.node('Sub', [cols, rows])]); // (T): i + S - T
  const masked = emitter.node('Greater', [key, emitter.node('Unsqueeze', [limit, emitter.ints([1])])]); // (T, S)
  emitter.node('Where', [masked, emitter.scalar(MASK_VALUE), emitter.scalar(0)], { output });
}
