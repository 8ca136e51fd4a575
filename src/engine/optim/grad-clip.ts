// Global gradient-norm clipping, following torch.nn.utils.clip_grad_norm_ (Pascanu et al. 2013,
// "On the difficulty of training recurrent neural networks").

import { EngineError } from '../../errors.js';

/** Added to the norm before dividing, as in PyTorch, so the clipped norm lands just under `maxNorm`. */
export const CLIP_NORM_EPSILON = 1e-6;

/** The L2 norm of all gradients taken together, sqrt(Σ g²), accumulated in float64. */
export function globalGradNorm(grads: readonly Float32Array[]): number {
  let sumOfSquares = 0;
  for (const grad of grads) {
    for (let i = 0; i < grad.length; i++) sumOfSquares += grad[i] * grad[i];
  }
  return Math.sqrt(sumOfSquares);
}

/**
 * Scales all gradients (one array per parameter) in place by `maxNorm / (norm + 1e-6)` when that factor is below 1 (PyTorch's
 * clamped coefficient), and returns the pre-clip global norm. A non-finite norm (NaN or Infinity
 * from an overflowed or poisoned gradient) is returned with the gradients left untouched: the caller
 * decides whether to skip the step or fail.
 */
export function clipGradNorm(grads: readonly Float32Array[], maxNorm: number): number {
  if (!(Number.isFinite(maxNorm) && maxNorm > 0)) {
    throw new EngineError(
      'invalid_argument',
      `clipGradNorm: maxNorm ${maxNorm} must be positive and finite.`,
    );
  }
  const norm = globalGradNorm(grads);
  if (!Number.isFinite(norm)) return norm;
  const scale = maxNorm / (norm + CLIP_NORM_EPSILON);
  if (scale >= 1) return norm;
  for (const grad of grads) {
    for (let i = 0; i < grad.length; i++) grad[i] *= scale;
  }
  return norm;
}
