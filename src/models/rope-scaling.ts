// Rotary inverse frequencies with the scalings of long-context Llama checkpoints: none, `linear`
// (positions divided by a factor, Chen et al. 2023, arXiv:2306.15595) and `llama3` (Llama 3.1/3.2's
// wavelength-banded scaling), following the definitions of Hugging Face transformers' rope utilities.

import { z } from 'zod';

/** Rotary scaling of a configuration; absent means none. */
export const RopeScalingSchema = z.discriminatedUnion('type', [
  z
    .object({
      type: z.literal('linear').describe('Every inverse frequency divided by `factor`.'),
      factor: z.number().min(1).default(1).describe('Context extension factor.'),
    })
    .strict(),
  z
    .object({
      type: z
        .literal('llama3')
        .describe('Llama 3 scaling: long wavelengths slowed, short kept, a smooth band between.'),
      factor: z.number().min(1).default(8).describe('How much long wavelengths are slowed.'),
      lowFreqFactor: z
        .number()
        .positive()
        .default(1)
        .describe('Wavelengths above original / this are slowed fully.'),
      highFreqFactor: z
        .number()
        .positive()
        .default(4)
        .describe('Wavelengths below original / this are kept.'),
      originalContextLength: z
        .number()
        .int()
        .positive()
        .default(8192)
        .describe('Context length of the model before extension.'),
    })
    .strict(),
]);

/** A rotary scaling. */
export type RopeScaling = z.infer<typeof RopeScalingSchema>;

/** What `rotaryInverseFrequencies` needs. */
export type RotaryFrequencyOptions = {
  /** Head size D (even). */
  readonly headSize: number;
  /** Base theta. */
  readonly theta: number;
  readonly scaling?: RopeScaling;
};

/**
 * The D/2 inverse frequencies ω_i = θ^(−2i/D), scaled. `linear`: ω_i / factor. `llama3`: with
 * wavelength λ_i = 2π/ω_i, low = L/lowFreqFactor and high = L/highFreqFactor (L the original context):
 * λ_i < high keeps ω_i; λ_i > low gives ω_i / factor; between, s = (L/λ_i − lowFreqFactor) /
 * (highFreqFactor − lowFreqFactor) and (1 − s)·ω_i/factor + s·ω_i.
 */
export function rotaryInverseFrequencies(options: RotaryFrequencyOptions): Float64Array {
  const { headSize: D, theta, scaling } = options;
  const frequencies = new Float64Array(D / 2);
  for (let i = 0; i < D / 2; i++) {
    const omega = 1 / Math.pow(theta, (2 * i) / D);
    frequencies[i] = scaling === undefined ? omega : scaleFrequency(omega, scaling);
  }
  return frequencies;
}

function scaleFrequency(omega: number, scaling: RopeScaling): number {
  if (scaling.type === 'linear') return omega / scaling.factor;
  const { factor, lowFreqFactor, highFreqFactor, originalContextLength: L } = scaling;
  const wavelength = (2 * Math.PI) / omega;
  if (wavelength < L / highFreqFactor) return omega;
  if (wavelength > L / lowFreqFactor) return omega / factor;
  const smooth = (L / wavelength - lowFreqFactor) / (highFreqFactor - lowFreqFactor);
  return (1 - smooth) * (omega / factor) + smooth * omega;
}
