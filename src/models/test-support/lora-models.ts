// Test support: a tiny Llama-style configuration and LoRA adapters with non-zero B, so the adapter
// branch changes what the model computes.

import { Rng } from '../../engine/random.js';
import { resolveLoraConfig, type LoraConfig } from '../lora-config.js';
import { initLoraParameters, type LoraAdapter } from '../lora-params.js';
import { resolveTransformerConfig, type TransformerConfig } from '../transformer-config.js';

/** Llama style (RMSNorm, SwiGLU, rotary, GQA 4/2, separate head), small enough for the reference executor. */
export function tinyLlamaConfig(overrides: Record<string, unknown> = {}): TransformerConfig {
  return resolveTransformerConfig({
    vocabSize: 40,
    contextLength: 24,
    width: 16,
    layers: 2,
    heads: 4,
    kvHeads: 2,
    mlpWidth: 24,
    norm: 'rmsnorm',
    normEpsilon: 1e-5,
    activation: 'swiglu',
    positions: 'rotary',
    tiedHead: false,
    bias: false,
    initStd: 0.2,
    ...overrides,
  });
}

/** An adapter whose B is drawn N(0, 0.2²) instead of zero, so it has an effect from the start. */
export function activeAdapter(config: TransformerConfig, lora: Partial<LoraConfig>, seed = 5): LoraAdapter {
  const resolved = resolveLoraConfig(lora);
  const parameters = initLoraParameters(config, resolved, seed);
  const rng = new Rng(seed + 1);
  for (const [name, data] of parameters)
    if (name.endsWith('lora_B.weight')) for (let i = 0; i < data.length; i++) data[i] = 0.2 * rng.normal();
  return { config: resolved, parameters };
}
