// The graph IR: typed nodes with static or symbolic shapes, and the exact semantics of every op.
// Both executors (ONNX Runtime, the float64 reference) and autodiff implement exactly these rules.

/** Element types. `bool` holds 0/1; `int64` holds token ids and indices. */
export type DType = 'float32' | 'int64' | 'bool';

/** One dimension: a fixed size, or a symbol (such as 'B' or 'T') bound when the graph runs. */
export type Dim = number | string;

/** A tensor shape; `[]` is a scalar. */
export type Shape = readonly Dim[];

/** Unary elementwise float ops. gelu is the tanh approximation: 0.5x(1 + tanh(√(2/π)(x + 0.044715x³))). */
export type UnaryOp =
  'neg' | 'exp' | 'log' | 'sqrt' | 'tanh' | 'sigmoid' | 'gelu' | 'silu' | 'abs' | 'reciprocal';

/** Binary elementwise ops with numpy broadcasting. `pow` needs a positive base or an integral exponent. */
export type BinaryOp = 'add' | 'sub' | 'mul' | 'div' | 'pow' | 'maximum' | 'minimum';

/** Binary comparisons with numpy broadcasting; the result is `bool`. */
export type CompareOp = 'equal' | 'less' | 'greater';

/**
 * Every op and its attributes. Semantics:
 * - input: a graph input fed by name. constant: a literal tensor (data row-major).
 * - unary/binary/compare: elementwise, numpy broadcasting.
 * - matmul(a, b): batched matrix product over the last two axes, leading axes broadcast;
 *   `transA`/`transB` transpose the last two axes of that operand first. Both operands rank >= 2.
 * - reduce(x): sum | mean | max over `axes` (non-negative), keeping reduced axes as 1 when `keepDims`.
 * - softmax / logSoftmax: over the last axis.
 * - layerNorm(x, gamma, beta): over the last axis, (x - mean) / sqrt(var + eps) * gamma + beta, population var.
 * - rmsNorm(x, gamma): over the last axis, x / sqrt(mean(x²) + eps) * gamma.
 * - gather(table, indices): rows of `table` (axis 0) → shape indices.shape ++ table.shape[1:].
 * - scatterAddRows(like, indices, updates): zeros shaped like `like`, then for every index i,
 *   row[indices[i]] += updates[i]; updates has shape indices.shape ++ like.shape[1:]. The gradient of gather.
 * - reshape(x): ONNX rules: a 0 copies the input dim at that position, one -1 is inferred.
 * - reshapeLike(x, like): x reshaped to the runtime shape of `like` (same element count).
 * - sumToShapeOf(x, like): sums x over the axes along which `like` was broadcast to x's shape
 *   (leading extra axes, and axes where like has size 1), then has like's shape.
 * - broadcastLike(x, like): x broadcast (numpy rules) to the runtime shape of `like`.
 * - pad(x): `before` zeros and `after` zeros added along `axis` (both non-negative).
 * - transpose(x): output axis i is input axis perm[i].
 * - slice(x): along `axis`, elements [start, end) with ONNX clamping; negative values count from the end.
 * - concat(xs): along `axis`.
 * - where(cond, a, b): cond ? a : b, broadcasting all three.
 * - cast(x): to `to`; float → int truncates toward zero; nonzero → true.
 * - oneHot(indices): float32 with a new last axis of size `depth`, 1 where the position equals the index.
 * - targetLogprobs(logits, targets): log_softmax(logits)[..., targets] → shape of targets;
 *   logits (..., V), targets (...) int64 in [0, V).
 * - causalMask(scores): an additive float32 bias shaped like the last two axes (T, S) of `scores`:
 *   0 where key j <= query i + (S - T), else MASK_VALUE. (Queries are the last T of S positions.)
 * - stopGradient(x): identity forward, zero gradient.
 * - dropoutMask(like, seed): float32 shaped like `like`; row-major element i is 1 / (1 − rate) when
 *   dropoutHash(i, dropoutKey(seed, salt)) ≥ dropoutThreshold(rate) (dropout-hash.ts), else 0. `seed` is
 *   an int64 scalar fed per step; `salt` (an integer in [0, 2^31 − 1)) tells masks of one step apart.
 *   Multiplying by it is inverted dropout (Srivastava et al. 2014); it has no gradient of its own.
 */
export type OpSpec =
  | { readonly kind: 'input'; readonly name: string }
  | { readonly kind: 'constant'; readonly data: readonly number[] }
  | { readonly kind: 'unary'; readonly op: UnaryOp }
  | { readonly kind: 'binary'; readonly op: BinaryOp }
  | { readonly kind: 'compare'; readonly op: CompareOp }
  | { readonly kind: 'matmul'; readonly transA: boolean; readonly transB: boolean }
  | {
      readonly kind: 'reduce';
      readonly op: 'sum' | 'mean' | 'max';
      readonly axes: readonly number[];
      readonly keepDims: boolean;
    }
  | { readonly kind: 'softmax' }
  | { readonly kind: 'logSoftmax' }
  | { readonly kind: 'layerNorm'; readonly epsilon: number }
  | { readonly kind: 'rmsNorm'; readonly epsilon: number }
  | { readonly kind: 'gather' }
  | { readonly kind: 'scatterAddRows' }
  | { readonly kind: 'reshape'; readonly shape: readonly number[] }
  | { readonly kind: 'reshapeLike' }
  | { readonly kind: 'sumToShapeOf' }
  | { readonly kind: 'broadcastLike' }
  | { readonly kind: 'pad'; readonly axis: number; readonly before: number; readonly after: number }
  | { readonly kind: 'transpose'; readonly perm: readonly number[] }
  | { readonly kind: 'slice'; readonly axis: number; readonly start: number; readonly end: number }
  | { readonly kind: 'concat'; readonly axis: number }
  | { readonly kind: 'where' }
  | { readonly kind: 'cast'; readonly to: DType }
  | { readonly kind: 'oneHot'; readonly depth: number }
  | { readonly kind: 'targetLogprobs' }
  | { readonly kind: 'causalMask' }
  | { readonly kind: 'stopGradient' }
  | { readonly kind: 'dropoutMask'; readonly rate: number; readonly salt: number };

/** The kinds of op the engine knows. */
export type OpKind = OpSpec['kind'];

/** Every op kind, for validation of graphs built by hand or loaded from elsewhere. */
export const OP_KINDS: readonly OpKind[] = [
  'input',
  'constant',
  'unary',
  'binary',
  'compare',
  'matmul',
  'reduce',
  'softmax',
  'logSoftmax',
  'layerNorm',
  'rmsNorm',
  'gather',
  'scatterAddRows',
  'reshape',
  'reshapeLike',
  'sumToShapeOf',
  'broadcastLike',
  'pad',
  'transpose',
  'slice',
  'concat',
  'where',
  'cast',
  'oneHot',
  'targetLogprobs',
  'causalMask',
  'stopGradient',
  'dropoutMask',
];

/** The additive bias of masked attention positions: finite, so fully masked rows stay finite. */
export const MASK_VALUE = -1e9;

/** A node of the graph: an op applied to earlier nodes, with its inferred type and shape. */
export type Node = {
  readonly id: number;
  readonly spec: OpSpec;
  readonly inputs: readonly number[];
  readonly dtype: DType;
  readonly shape: Shape;
};

/** A handle to a node's value while building graphs. */
export type Value = {
  readonly id: number;
  readonly dtype: DType;
  readonly shape: Shape;
};
