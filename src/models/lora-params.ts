// The parameters of a LoRA adapter: for each adapted linear W (out, in) of each layer, A (r, in) and
// B (out, r), initialised as PEFT does by default: A Kaiming-uniform with a = √5, which is
// U(−1/√in, 1/√in), and B zeros, so a fresh adapter leaves the model unchanged.

import { Rng } from '../engine/random.js';
import { LORA_MODULE_LINEAR, type LoraConfig } from './lora-config.js';
import type { TransformerConfig } from './transformer-config.js';
import { parameterSpecs, type ParameterSet, type ParameterSpec } from './transformer-params.js';

/** A LoRA adapter: its configuration and its A and B tensors by parameter name. */
export type LoraAdapter = { readonly config: LoraConfig; readonly parameters: ParameterSet };

/** The A and B parameter names of an adapted linear layer such as `layers.0.attn.q`. */
export function loraNames(linear: string): { readonly a: string; readonly b: string } {
  return { a: `${linear}.lora_A.weight`, b: `${linear}.lora_B.weight` };
}

/** Every adapter parameter, layer by layer in the order of the targets; A has a uniform init, B zeros. */
export function loraParameterSpecs(config: TransformerConfig, lora: LoraConfig): ParameterSpec[] {
  const shapes = new Map(parameterSpecs(config).map((spec) => [spec.name, spec.shape]));
  const specs: ParameterSpec[] = [];
  for (let i = 0; i < config.layers; i++) {
    for (const module of lora.targets) {
      const linear = `layers.${i}.${LORA_MODULE_LINEAR[module]}`;
      const shape = shapes.get(`${linear}.weight`);
      if (shape === undefined) continue; // gate_proj of a GELU model: nothing to adapt
      const [out, inWidth] = shape;
      const names = loraNames(linear);
      const bound = 1 / Math.sqrt(inWidth);
      specs.push({
        name: names.a,
        shape: [lora.rank, inWidth],
        init: { kind: 'uniform', bound },
        decay: true,
      });
      specs.push({ name: names.b, shape: [out, lora.rank], init: { kind: 'zeros' }, decay: true });
    }
  }
  return specs;
}

/** The parameters training updates: the adapter's with LoRA, else every parameter of the model. */
export function trainableParameterSpecs(config: TransformerConfig, lora?: LoraConfig): ParameterSpec[] {
  return lora === undefined ? parameterSpecs(config) : loraParameterSpecs(config, lora);
}

/** A fresh adapter drawn from a seeded generator: the same seed gives the same adapter. */
export function initLoraParameters(config: TransformerConfig, lora: LoraConfig, seed: number): ParameterSet {
  const rng = new Rng(seed);
  const parameters: ParameterSet = new Map();
  for (const spec of loraParameterSpecs(config, lora)) {
    const data = new Float32Array(spec.shape.reduce((p, d) => p * d, 1));
    if (spec.init.kind === 'uniform') {
      const bound = spec.init.bound;
      for (let i = 0; i < data.length; i++) data[i] = (2 * rng.nextFloat() - 1) * bound;
    }
    parameters.set(spec.name, data);
  }
  return parameters;
}
