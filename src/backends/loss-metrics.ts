// Diagnostics of ratio losses, computed from the logprobs a run returned: weighted mean importance
// ratio and the weighted fraction of tokens whose ratio fell outside the clip range.

import type { Datum, LossFnConfig } from './training-backend.js';

/** `ratio:mean` and `clipped:fraction` over tokens with positive weight (on-policy: 1 and 0). */
export function ratioMetrics(
  datums: readonly Datum[],
  outputs: readonly { readonly logprobs: readonly number[] }[],
  config: LossFnConfig,
): Record<string, number> {
  if (config.onPolicy === true) return { 'ratio:mean': 1, 'clipped:fraction': 0 };
  const low = config.clipLowThreshold ?? 0.8;
  const high = config.clipHighThreshold ?? 1.2;
  let weight = 0;
  let ratioSum = 0;
  let clipped = 0;
  datums.forEach((datum, b) => {
    const { weights, logprobs: q } = datum.lossFnInputs;
    outputs[b].logprobs.forEach((lp, t) => {
      const w = weights?.[t] ?? 1;
      if (w <= 0 || q === undefined) return;
      const r = Math.exp(lp - q[t]);
      weight += w;
      ratioSum += w * r;
      if (r < low || r > high) clipped += w;
    });
  });
  return {
    'ratio:mean': weight > 0 ? ratioSum / weight : 1,
    'clipped:fraction': weight > 0 ? clipped / weight : 0,
  };
}

/** Weighted mean of the k3 KL estimate e^(ref − lp) − (ref − lp) − 1 over tokens with positive weight. */
export function klMean(
  datums: readonly Datum[],
  outputs: readonly { readonly logprobs: readonly number[] }[],
): number {
  let weight = 0;
  let total = 0;
  datums.forEach((datum, b) => {
    const { weights, refLogprobs } = datum.lossFnInputs;
    outputs[b].logprobs.forEach((lp, t) => {
      const w = weights?.[t] ?? 1;
      if (w <= 0 || refLogprobs === undefined) return;
      const d = refLogprobs[t] - lp;
      weight += w;
      total += w * (Math.exp(d) - d - 1);
    });
  });
  return weight > 0 ? total / weight : 0;
}
