// AdamW with decoupled weight decay (Loshchilov & Hutter 2019, "Decoupled Weight Decay
// Regularization"), in the exact operation order of PyTorch's single-tensor torch.optim.AdamW.

import { EngineError } from '../../errors.js';

/** AdamW hyperparameters; PyTorch's defaults are lr 1e-3, betas (0.9, 0.999), eps 1e-8, decay 1e-2. */
export type AdamWParams = {
  /** Step size `lr`. */
  readonly learningRate: number;
  /** Decay rate of the first-moment (mean) estimate, in [0, 1). */
  readonly beta1: number;
  /** Decay rate of the second-moment (uncentred variance) estimate, in [0, 1). */
  readonly beta2: number;
  /** Added to sqrt(v̂) in the denominator, as in PyTorch (not inside the square root). */
  readonly epsilon: number;
  /** Decoupled weight decay: each step first multiplies the parameter by `1 - lr * weightDecay`. */
  readonly weightDecay: number;
};

/** Per-tensor optimiser state: the number of steps taken and the two moment estimates. */
export type AdamState = {
  /** Steps taken so far; `adamwStep` increments it before using it as `t`. */
  step: number;
  /** First-moment estimate, same length as the parameter. */
  m: Float32Array;
  /** Second-moment estimate, same length as the parameter. */
  v: Float32Array;
};

/** Fresh state (step 0, zero moments) for a parameter of `size` elements. */
export function createAdamState(size: number): AdamState {
  return { step: 0, m: new Float32Array(size), v: new Float32Array(size) };
}

/** Options for `adamwStep`. */
export type AdamWStepOptions = {
  /** Parameter values, updated in place. */
  readonly param: Float32Array;
  /** Gradient of the loss with respect to `param`, same length. */
  readonly grad: Float32Array;
  /** Optimiser state of this parameter, updated in place. */
  readonly state: AdamState;
  /** Hyperparameters shared by all parameters. */
  readonly params: AdamWParams;
  /** Weight decay for this parameter only, overriding `params.weightDecay` (e.g. 0 for norms and biases). */
  readonly weightDecay?: number;
};

/**
 * One AdamW step over a flat parameter, in place. With t = step + 1 and all vectors of length N:
 * p ← p·(1 − lr·wd); m ← β1·m + (1 − β1)·g; v ← β2·v + (1 − β2)·g²;
 * p ← p − (lr / (1 − β1ᵗ)) · m / (sqrt(v) / sqrt(1 − β2ᵗ) + ε).
 * Non-finite gradients propagate into the parameter: check the gradient norm first.
 */
export function adamwStep(options: AdamWStepOptions): void {
  const { param, grad, state, params } = options;
  const weightDecay = options.weightDecay ?? params.weightDecay;
  checkAdamW(options, weightDecay);
  const n = param.length;
  const { m, v } = state;
  const { learningRate: lr, beta1, beta2, epsilon } = params;
  state.step += 1;
  const t = state.step;
  const decay = 1 - lr * weightDecay;
  const oneMinusBeta1 = 1 - beta1;
  const oneMinusBeta2 = 1 - beta2;
  const stepSize = lr / (1 - beta1 ** t);
  const biasCorrection2Sqrt = Math.sqrt(1 - beta2 ** t);
  for (let i = 0; i < n; i++) {
    const g = grad[i];
    // Stored moments are float32, as in PyTorch; the update reads the rounded values back.
    const mi = (m[i] = m[i] + oneMinusBeta1 * (g - m[i])); // torch lerp_ with weight 1 − β1 < 0.5
    const vi = (v[i] = beta2 * v[i] + oneMinusBeta2 * g * g);
    const denom = Math.sqrt(Math.fround(vi)) / biasCorrection2Sqrt + epsilon;
    param[i] = Math.fround(param[i] * decay) - (stepSize * Math.fround(mi)) / denom;
  }
}

function checkAdamW(options: AdamWStepOptions, weightDecay: number): void {
  const { param, grad, state, params } = options;
  if (grad.length !== param.length || state.m.length !== param.length || state.v.length !== param.length) {
    throw new EngineError(
      'shape_mismatch',
      `AdamW: param has ${param.length} elements but grad ${grad.length}, m ${state.m.length}, v ${state.v.length}.`,
    );
  }
  const invalid = (name: string, value: number): never => {
    throw new EngineError('invalid_argument', `AdamW: ${name} ${value} is out of range.`);
  };
  if (!(Number.isFinite(params.learningRate) && params.learningRate >= 0))
    invalid('learningRate', params.learningRate);
  if (!(params.beta1 >= 0 && params.beta1 < 1)) invalid('beta1', params.beta1);
  if (!(params.beta2 >= 0 && params.beta2 < 1)) invalid('beta2', params.beta2);
  if (!(Number.isFinite(params.epsilon) && params.epsilon >= 0)) invalid('epsilon', params.epsilon);
  if (!(Number.isFinite(weightDecay) && weightDecay >= 0)) invalid('weightDecay', weightDecay);
}
