// ONNX lowering of dropoutMask: the counter hash of dropout-hash.ts in int64 arithmetic (Mul, Add, Mod
// with every product below 2^62), over Range(0, size) of the flattened `like`, then a compare and cast.

import { DROPOUT_INCREMENT, DROPOUT_MODULUS, DROPOUT_MULTIPLIER, dropoutThreshold } from './dropout-hash.js';
import { intAttr, onnxDataType, type OnnxEmitter } from './onnx-emitter.js';
import type { LoweringContext } from './onnx-lowering.js';

/** Emits mask = (hash(i, key(seed, salt)) ≥ threshold) · 1/(1 − rate), shaped like the first input. */
export function lowerDropoutMask(context: LoweringContext, rate: number, salt: number): void {
  const { emitter, inputs, output } = context;
  const [like, seed] = inputs;
  const int = (value: number) => emitter.constant('int64', [], [value]);
  const modulus = int(DROPOUT_MODULUS);
  const mod = (x: string) => emitter.node('Mod', [x, modulus], { attributes: [intAttr('fmod', 0)] });
  const reducedSeed = mod(seed); // Mod with fmod 0 takes the divisor's sign: in [0, P)
  const key = mix(emitter, mod(emitter.node('Add', [mix(emitter, reducedSeed), int(salt)])));
  const flat = emitter.node('Reshape', [like, emitter.ints([-1])]); // (N)
  const size = emitter.node('Squeeze', [emitter.node('Shape', [flat]), emitter.ints([0])]); // scalar N
  const index = emitter.node('Range', [int(0), size, int(1)]); // (N)
  const hash = mix(emitter, mod(emitter.node('Add', [mix(emitter, index), key]))); // (N) in [0, P)
  const kept = emitter.node('GreaterOrEqual', [hash, int(dropoutThreshold(rate))]); // (N) bool
  const scaled = emitter.node('Mul', [
    emitter.node('Cast', [kept], { attributes: [intAttr('to', onnxDataType('float32'))] }),
    emitter.scalar(1 / (1 - rate)),
  ]);
  emitter.node('Reshape', [scaled, emitter.node('Shape', [like])], { output });
}

/** mix(x) = (A · x⁵ + C) mod P on int64 values in [0, P). */
function mix(emitter: OnnxEmitter, x: string): string {
  const modulus = emitter.constant('int64', [], [DROPOUT_MODULUS]);
  const mulMod = (a: string, b: string) =>
    emitter.node('Mod', [emitter.node('Mul', [a, b]), modulus], { attributes: [intAttr('fmod', 0)] });
  const x2 = mulMod(x, x);
  const x4 = mulMod(x2, x2);
  const x5 = mulMod(x4, x);
  const affine = emitter.node('Add', [
    emitter.node('Mul', [x5, emitter.constant('int64', [], [DROPOUT_MULTIPLIER])]),
    emitter.constant('int64', [], [DROPOUT_INCREMENT]),
  ]);
  return emitter.node('Mod', [affine, modulus], { attributes: [intAttr('fmod', 0)] });
}
