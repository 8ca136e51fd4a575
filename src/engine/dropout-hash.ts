// The counter-based hash behind the dropoutMask op: whether element i of a mask is kept is a pure
// function of (seed, salt, i), so the ONNX lowering and the reference executor draw identical masks
// and a step can be replayed. All arithmetic is modulo the prime P = 2^31 − 1 with products below
// 2^62, which int64 holds exactly (ONNX Mul/Mod) and which `mulMod` computes exactly in doubles.

/** The modulus: the Mersenne prime 2^31 − 1. */
export const DROPOUT_MODULUS = 2147483647;
/** Multiplier of the affine step of `dropoutMix` (MINSTD's). */
export const DROPOUT_MULTIPLIER = 48271;
/** Increment of the affine step of `dropoutMix`. */
export const DROPOUT_INCREMENT = 1013904223;

/** (a · b) mod P for integers a, b in [0, P), exactly: b is split in 16-bit halves so no product passes 2^53. */
export function mulMod(a: number, b: number): number {
  const high = Math.floor(b / 65536);
  const low = b % 65536;
  return (((a * high) % DROPOUT_MODULUS) * 65536 + a * low) % DROPOUT_MODULUS;
}

/**
 * mix(x) = (A · x⁵ + C) mod P: a bijection of [0, P), since gcd(5, P − 1) = 1 makes x ↦ x⁵ a
 * permutation of the field and the affine step is invertible.
 */
export function dropoutMix(x: number): number {
  const x2 = mulMod(x, x);
  const x4 = mulMod(x2, x2);
  const x5 = mulMod(x4, x);
  return (x5 * DROPOUT_MULTIPLIER + DROPOUT_INCREMENT) % DROPOUT_MODULUS;
}

/** The key of one mask: mix((mix(seed mod P) + salt) mod P); salt is an integer in [0, P). */
export function dropoutKey(seed: number, salt: number): number {
  const reduced = ((seed % DROPOUT_MODULUS) + DROPOUT_MODULUS) % DROPOUT_MODULUS;
  return dropoutMix((dropoutMix(reduced) + salt) % DROPOUT_MODULUS);
}

/** The hash of element `index` (in [0, P)) under `key`: mix((mix(index) + key) mod P), in [0, P). */
export function dropoutHash(index: number, key: number): number {
  return dropoutMix((dropoutMix(index) + key) % DROPOUT_MODULUS);
}

/** Elements whose hash is below this are dropped: round(rate · P), so P(drop) = rate to within 1/P. */
export function dropoutThreshold(rate: number): number {
  return Math.round(rate * DROPOUT_MODULUS);
}
