// LoRA (Hu et al. 2021, arXiv:2106.09685) settings, named as PEFT names them: rank r, alpha, dropout
// and the target projections of a Llama block, with the map to our parameter names.

import { z } from 'zod';
import { ModelError } from '../errors.js';

/** The projections LoRA can adapt, by their Hugging Face module names. */
export const LORA_TARGET_MODULES = [
  'q_proj',
  'k_proj',
  'v_proj',
  'o_proj',
  'gate_proj',
  'up_proj',
  'down_proj',
] as const;

/** One adaptable projection. */
export type LoraTargetModule = (typeof LORA_TARGET_MODULES)[number];

/** Our linear layer (inside `layers.N.`) of each target module. */
export const LORA_MODULE_LINEAR: Readonly<Record<LoraTargetModule, string>> = {
  q_proj: 'attn.q',
  k_proj: 'attn.k',
  v_proj: 'attn.v',
  o_proj: 'attn.o',
  gate_proj: 'mlp.gate',
  up_proj: 'mlp.up',
  down_proj: 'mlp.down',
};

/** The schema of a LoRA configuration; every field documented, with a default. */
export const LoraConfigSchema = z
  .object({
    rank: z.number().int().positive().default(8).describe('Rank r of the update B·A.'),
    alpha: z.number().positive().default(16).describe('Scale numerator: the update is (alpha / r)·B·A·x.'),
    dropout: z
      .number()
      .min(0)
      .lt(1)
      .default(0)
      .describe('Dropout rate on the adapter input x during training (not in sampling).'),
    targets: z
      .array(z.enum(LORA_TARGET_MODULES))
      .min(1)
      .default(['q_proj', 'v_proj'])
      .describe('Projections to adapt, as Hugging Face module names.'),
  })
  .strict();

/** A resolved LoRA configuration. */
export type LoraConfig = z.infer<typeof LoraConfigSchema>;

/** Parses a LoRA configuration, throwing ModelError('invalid_model_config') naming the field. */
export function resolveLoraConfig(input: unknown): LoraConfig {
  const parsed = LoraConfigSchema.safeParse(input ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ModelError(
      'invalid_model_config',
      `LoRA config ${issue.path.join('.') || '(root)'}: ${issue.message}`,
    );
  }
  const targets = [...new Set(parsed.data.targets)];
  // Canonical order, so equal configurations compare (and are saved) equal.
  return { ...parsed.data, targets: LORA_TARGET_MODULES.filter((module) => targets.includes(module)) };
}

/** The scale alpha / r that multiplies B·A·x. */
export function loraScale(config: LoraConfig): number {
  return config.alpha / config.rank;
}
