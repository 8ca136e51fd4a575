// PEFT's `adapter_config.json` for a LoRA adapter (peft.LoraConfig.to_dict()), written so that
// Hugging Face PEFT and vLLM load it, and read back with every setting we cannot honour refused.

import { z } from 'zod';
import { ModelError } from '../errors.js';
import { LORA_TARGET_MODULES, resolveLoraConfig, type LoraConfig } from './lora-config.js';

/** The PEFT adapter_config.json of `lora` on the model at `baseModel` (a path or hub id). */
export function peftAdapterConfig(lora: LoraConfig, baseModel: string): Record<string, unknown> {
  return {
    peft_type: 'LORA',
    task_type: 'CAUSAL_LM',
    base_model_name_or_path: baseModel,
    revision: null,
    r: lora.rank,
    lora_alpha: lora.alpha,
    lora_dropout: lora.dropout,
    target_modules: [...lora.targets],
    bias: 'none',
    fan_in_fan_out: false,
    inference_mode: true,
    init_lora_weights: true,
    modules_to_save: null,
    layers_to_transform: null,
    layers_pattern: null,
    rank_pattern: {},
    alpha_pattern: {},
    use_rslora: false,
    use_dora: false,
  };
}

const emptyRecord = z.record(z.string(), z.unknown()).refine((value) => Object.keys(value).length === 0, {
  message: 'per-layer ranks and alphas are not supported',
});

const AdapterConfigSchema = z.looseObject({
  peft_type: z.literal('LORA').describe('Only LoRA adapters load.'),
  base_model_name_or_path: z.string().nullish().describe('The model the adapter was trained on.'),
  r: z.number().int().positive().describe('Rank.'),
  lora_alpha: z.number().positive().describe('Scale numerator.'),
  lora_dropout: z.number().min(0).lt(1).default(0).describe('Dropout on the adapter input.'),
  target_modules: z
    .union([z.array(z.string()), z.string()])
    .describe('Adapted projections: a list of module names (a regular expression is not supported).'),
  bias: z.literal('none').default('none').describe('Trained biases are not supported.'),
  fan_in_fan_out: z.literal(false).default(false).describe('Weights stored (out, in), as Llama stores them.'),
  modules_to_save: z.array(z.string()).max(0).nullish().describe('Fully trained extra modules: unsupported.'),
  layers_to_transform: z.null().optional().describe('Adapting only some layers: unsupported.'),
  rank_pattern: emptyRecord.optional(),
  alpha_pattern: emptyRecord.optional(),
  use_rslora: z.literal(false).default(false).describe('rsLoRA scaling alpha/√r: unsupported.'),
  use_dora: z.literal(false).default(false).describe('DoRA: unsupported.'),
});

/** What an adapter_config.json says. */
export type PeftAdapterSettings = { readonly lora: LoraConfig; readonly baseModel?: string };

/**
 * Our LoRA configuration from a PEFT adapter_config.json. Throws ModelError('invalid_model_config')
 * naming the field for settings the engine cannot run (DoRA, rsLoRA, biases, per-layer patterns,
 * modules to save, a regular expression or unknown name in target_modules).
 */
export function parsePeftAdapterConfig(json: unknown, source: string): PeftAdapterSettings {
  const parsed = AdapterConfigSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ModelError(
      'invalid_model_config',
      `${source} ${issue.path.join('.') || '(root)'}: ${issue.message}`,
    );
  }
  const config = parsed.data;
  const targets = typeof config.target_modules === 'string' ? [config.target_modules] : config.target_modules;
  const unknown = targets.filter((name) => !(LORA_TARGET_MODULES as readonly string[]).includes(name));
  if (unknown.length > 0) {
    throw new ModelError(
      'invalid_model_config',
      `${source} target_modules ${JSON.stringify(unknown)}: expected names among ${LORA_TARGET_MODULES.join(', ')}`,
    );
  }
  return {
    lora: resolveLoraConfig({
      rank: config.r,
      alpha: config.lora_alpha,
      dropout: config.lora_dropout,
      targets,
    }),
    ...(config.base_model_name_or_path == null ? {} : { baseModel: config.base_model_name_or_path }),
  };
}
