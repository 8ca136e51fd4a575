// Test support: the per-token logprobs of a base model with a LoRA adapter and of the merged model
// that folds the adapter in, on the same token sequence, for tests that compare the two.

import { LanguageModel } from '../language-model.js';
import type { LoraAdapter } from '../lora-params.js';
import type { ParameterSet } from '../transformer-params.js';
import type { TransformerConfig } from '../transformer-config.js';

/** A model's configuration and weights. */
type Weights = { readonly config: TransformerConfig; readonly parameters: ParameterSet };

/** Logprobs of `tokens` under base + adapter (`adapted`) and under the merged weights (`merged`). */
export async function adaptedAndMergedLogprobs(options: {
  readonly base: Weights;
  readonly adapter: LoraAdapter;
  readonly merged: Weights;
  readonly tokens: readonly number[];
}): Promise<{ adapted: number[]; merged: number[] }> {
  const { base, adapter, merged } = options;
  const adaptedModel = new LanguageModel({ ...pick(base), adapter, threads: 1 });
  const mergedModel = new LanguageModel({ ...pick(merged), threads: 1 });
  try {
    const [adapted] = await adaptedModel.logprobs([[...options.tokens]]);
    const [folded] = await mergedModel.logprobs([[...options.tokens]]);
    return { adapted: [...adapted], merged: [...folded] };
  } finally {
    await Promise.all([adaptedModel.dispose(), mergedModel.dispose()]);
  }
}

const pick = (weights: Weights) => ({ config: weights.config, parameters: weights.parameters });
