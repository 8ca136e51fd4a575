// Folding a LoRA adapter into its base weights: W' = W + (alpha / r) · B · A for every adapted linear
// (Hu et al. 2021, §4.1), so the merged model computes what the adapted one does with no extra cost.

import { loraScale } from './lora-config.js';
import { loraNames, loraParameterSpecs, type LoraAdapter } from './lora-params.js';
import type { TransformerConfig } from './transformer-config.js';
import type { ParameterSet } from './transformer-params.js';

/** What `mergeLoraAdapter` merges. */
export type MergeLoraOptions = {
  readonly config: TransformerConfig;
  readonly parameters: ParameterSet;
  readonly adapter: LoraAdapter;
};

/**
 * New parameters with the adapter merged in: adapted weights are fresh arrays (the products summed in
 * float64), every other tensor is shared with `parameters`.
 */
export function mergeLoraAdapter(options: MergeLoraOptions): ParameterSet {
  const { config, parameters, adapter } = options;
  const scale = loraScale(adapter.config);
  const merged: ParameterSet = new Map(parameters);
  for (const spec of loraParameterSpecs(config, adapter.config)) {
    if (!spec.name.endsWith('.lora_A.weight')) continue;
    const linear = spec.name.slice(0, -'.lora_A.weight'.length);
    const names = loraNames(linear);
    const a = adapter.parameters.get(names.a) as Float32Array; // (r, in)
    const b = adapter.parameters.get(names.b) as Float32Array; // (out, r)
    const weight = parameters.get(`${linear}.weight`) as Float32Array; // (out, in)
    const [r, inWidth] = spec.shape;
    const out = weight.length / inWidth;
    const result = new Float32Array(weight.length);
    for (let o = 0; o < out; o++) {
      for (let i = 0; i < inWidth; i++) {
        let sum = 0;
        for (let k = 0; k < r; k++) sum += b[o * r + k] * a[k * inWidth + i];
        result[o * inWidth + i] = weight[o * inWidth + i] + scale * sum;
      }
    }
    merged.set(`${linear}.weight`, result);
  }
  return merged;
}
