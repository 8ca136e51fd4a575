// Reference kernels of the engine's seeded random ops: the dropout mask of ir.ts, element by element.

import { EngineError } from '../errors.js';
import { DROPOUT_MODULUS, dropoutHash, dropoutKey, dropoutThreshold } from './dropout-hash.js';
import type { ReferenceTensor } from './reference-tensor.js';

/** dropoutMask(like, seed): 1/(1 − rate) where dropoutHash(i, key) ≥ threshold, else 0; shaped like `like`. */
export function dropoutMaskKernel(
  like: ReferenceTensor,
  seed: ReferenceTensor,
  rate: number,
  salt: number,
): ReferenceTensor {
  const size = like.data.length;
  if (size >= DROPOUT_MODULUS)
    throw new EngineError(
      'invalid_feed',
      `dropoutMask: ${size} elements exceed the hash's 2^31 − 1 counters`,
    );
  const key = dropoutKey(seed.data[0], salt);
  const threshold = dropoutThreshold(rate);
  const kept = 1 / (1 - rate);
  const data = new Float64Array(size);
  for (let i = 0; i < size; i++) data[i] = dropoutHash(i, key) >= threshold ? kept : 0;
  return { dtype: 'float32', shape: [...like.shape], data };
}
