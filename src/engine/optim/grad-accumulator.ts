// Gradient accumulation across micro-batches: weighted sums in float64, so N micro-batches of
// size b give the gradient of one batch of size N·b under a mean loss.

import { EngineError } from '../../errors.js';

/** How `GradAccumulator.result` reduces the accumulated sum. */
export type GradReduction = 'sum' | 'mean';

/** Options for `GradAccumulator.add`. */
export type AddGradsOptions = {
  /**
   * Weight of this micro-batch, usually its number of examples or tokens when each micro-batch
   * gradient is of a mean loss. Non-negative and finite; defaults to 1.
   */
  readonly weight?: number;
};

/** Options for `GradAccumulator.result`. */
export type GradResultOptions = {
  /** `mean` divides the weighted sum by the total weight (the full-batch mean); defaults to `mean`. */
  readonly reduction?: GradReduction;
  /** Arrays to write into instead of allocating, one per parameter with matching lengths. */
  readonly out?: readonly Float32Array[];
};

/** Sums gradients of several micro-batches, each with a weight, until `reset`. */
export class GradAccumulator {
  private readonly sums: Float64Array[];
  private microBatches = 0;
  private weightSum = 0;

  /** An accumulator for parameters of the given element counts, in parameter order. */
  constructor(options: { readonly sizes: readonly number[] }) {
    this.sums = options.sizes.map((size) => new Float64Array(size));
  }

  /** Number of micro-batches added since the last reset. */
  get count(): number {
    return this.microBatches;
  }

  /** Sum of the weights added since the last reset. */
  get totalWeight(): number {
    return this.weightSum;
  }

  /** Adds `weight · grads` to the running sum; `grads` has one array per parameter. */
  add(grads: readonly Float32Array[], options: AddGradsOptions = {}): void {
    const weight = options.weight ?? 1;
    if (!(Number.isFinite(weight) && weight >= 0)) {
      throw new EngineError(
        'invalid_argument',
        `GradAccumulator: weight ${weight} must be finite and non-negative.`,
      );
    }
    this.checkShapes(grads, 'grads');
    for (let p = 0; p < grads.length; p++) {
      const sum = this.sums[p];
      const grad = grads[p];
      for (let i = 0; i < sum.length; i++) sum[i] += weight * grad[i];
    }
    this.microBatches += 1;
    this.weightSum += weight;
  }

  /** The weighted sum, or the weighted mean, as float32 arrays (in `out` when given). */
  result(options: GradResultOptions = {}): Float32Array[] {
    const reduction = options.reduction ?? 'mean';
    if (reduction === 'mean' && this.weightSum === 0) {
      throw new EngineError(
        'invalid_argument',
        'GradAccumulator: a mean needs at least one weighted micro-batch.',
      );
    }
    const out = options.out ?? this.sums.map((sum) => new Float32Array(sum.length));
    this.checkShapes(out, 'out');
    const scale = reduction === 'mean' ? 1 / this.weightSum : 1;
    for (let p = 0; p < out.length; p++) {
      const sum = this.sums[p];
      const target = out[p];
      for (let i = 0; i < sum.length; i++) target[i] = sum[i] * scale;
    }
    return [...out];
  }

  /** Zeroes the sums, the count and the total weight for the next optimiser step. */
  reset(): void {
    for (const sum of this.sums) sum.fill(0);
    this.microBatches = 0;
    this.weightSum = 0;
  }

  private checkShapes(arrays: readonly Float32Array[], name: string): void {
    const matches =
      arrays.length === this.sums.length && arrays.every((array, p) => array.length === this.sums[p].length);
    if (!matches) {
      const expected = this.sums.map((sum) => sum.length).join(', ');
      const actual = arrays.map((array) => array.length).join(', ');
      throw new EngineError(
        'shape_mismatch',
        `GradAccumulator: ${name} sizes [${actual}] differ from [${expected}].`,
      );
    }
  }
}
