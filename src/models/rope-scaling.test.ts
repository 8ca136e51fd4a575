import { describe, expect, it } from 'vitest';
import { rotaryInverseFrequencies } from './rope-scaling.js';

/** Llama 3.2's rope: theta 500000, head size 64, llama3 scaling factor 32, bands 1 and 4 of 8192. */
const LLAMA_32 = {
  headSize: 64,
  theta: 500000,
  scaling: {
    type: 'llama3',
    factor: 32,
    lowFreqFactor: 1,
    highFreqFactor: 4,
    originalContextLength: 8192,
  },
} as const;

describe('rotaryInverseFrequencies', () => {
  it('is theta^(-2i/D) without scaling', () => {
    const frequencies = rotaryInverseFrequencies({ headSize: 8, theta: 10000 });
    expect(Array.from(frequencies)).toEqual(
      [1, 0.1, 0.01, 0.001].map((f, i) => (i === 0 ? 1 : expect.closeTo(f, 15))),
    );
  });

  it('linear scaling divides every frequency by the factor', () => {
    const plain = rotaryInverseFrequencies({ headSize: 8, theta: 10000 });
    const scaled = rotaryInverseFrequencies({
      headSize: 8,
      theta: 10000,
      scaling: { type: 'linear', factor: 4 },
    });
    scaled.forEach((f, i) => expect(f).toBe(plain[i] / 4));
  });

  it('llama3 keeps short wavelengths, slows long ones by the factor, and blends the band between', () => {
    const plain = rotaryInverseFrequencies({ headSize: 64, theta: 500000 });
    const scaled = rotaryInverseFrequencies(LLAMA_32);
    // Wavelengths 2π/ω: below 8192/4 = 2048 kept, above 8192/1 slowed 32×, between blended.
    const wavelengths = Array.from(plain, (f) => (2 * Math.PI) / f);
    const kept = wavelengths.findIndex((w) => w >= 2048);
    const slowed = wavelengths.findIndex((w) => w > 8192);
    // For theta 500000 and D 64 the band is i = 15..17 (λ = 2948, 4443, 6695; λ₁₈ = 10089).
    expect([kept, slowed]).toEqual([15, 18]);
    for (let i = 0; i < kept; i++) expect(scaled[i]).toBe(plain[i]);
    for (let i = slowed; i < 32; i++) expect(scaled[i]).toBe(plain[i] / 32);
    // i = 16: ω = 500000^(-0.5) = 1/707.107, λ = 4442.88; s = (8192/λ − 1)/3 = 0.28128;
    // ω' = (1 − s)·ω/32 + s·ω.
    const omega = 1 / Math.sqrt(500000);
    const s = (8192 / ((2 * Math.PI) / omega) - 1) / 3;
    expect(s).toBeCloseTo(0.28128, 4);
    expect(scaled[16]).toBeCloseTo(((1 - s) * omega) / 32 + s * omega, 15);
    // Blended frequencies lie between the slowed and the kept ones, and fall monotonically.
    for (let i = kept; i < slowed; i++) {
      expect(scaled[i]).toBeGreaterThan(plain[i] / 32);
      expect(scaled[i]).toBeLessThan(plain[i]);
      expect(scaled[i]).toBeLessThan(scaled[i - 1]);
    }
  });
});
