// The flags with which `sft`, `train`, `eval` and `chat` take a Hugging Face model directory and a
// LoRA adapter (fresh with --lora-rank, or saved with --adapter). One schema fragment, shared.

import { z } from 'zod';
import { ConfigError } from '../errors.js';
import { LORA_TARGET_MODULES, resolveLoraConfig, type LoraConfig } from '../models/lora-config.js';

/** Flags of the LoRA adapter a run trains or a session loads. */
export const LoraFlagsSchema = z.object({
  loraRank: z
    .number()
    .int()
    .min(0)
    .default(0)
    .describe('LoRA rank r of a fresh adapter on the --model weights; 0: no fresh adapter.'),
  loraAlpha: z.number().positive().default(16).describe('LoRA alpha: the update is scaled by alpha / r.'),
  loraDropout: z
    .number()
    .min(0)
    .lt(1)
    .default(0)
    .describe('Dropout rate on the adapter input while training.'),
  loraTargets: z
    .string()
    .default('q_proj,v_proj')
    .describe(`Comma-separated projections to adapt, among ${LORA_TARGET_MODULES.join(', ')}.`),
  adapter: z
    .string()
    .default('')
    .describe('A saved PEFT LoRA adapter folder (adapter_config.json) to load on the --model weights.'),
});

/** The LoRA flags, resolved. */
export type LoraFlags = z.output<typeof LoraFlagsSchema>;

/** The LoRA configuration of a fresh adapter the flags ask for, or undefined for --lora-rank 0. */
export function loraConfigFromFlags(flags: LoraFlags): LoraConfig | undefined {
  if (flags.loraRank === 0) return undefined;
  const targets = flags.loraTargets
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '');
  const unknown = targets.filter((name) => !(LORA_TARGET_MODULES as readonly string[]).includes(name));
  if (unknown.length > 0 || targets.length === 0) {
    throw new ConfigError(
      'invalid_config',
      `flag --lora-targets: ${targets.length === 0 ? 'no targets' : `unknown ${unknown.join(', ')}`}; expected names among ${LORA_TARGET_MODULES.join(', ')}`,
    );
  }
  return resolveLoraConfig({
    rank: flags.loraRank,
    alpha: flags.loraAlpha,
    dropout: flags.loraDropout,
    targets,
  });
}

/** Throws ConfigError when LoRA flags are given without --model (they only apply to HF models). */
export function checkLoraFlagsNeedModel(flags: LoraFlags, modelDir: string): void {
  if (modelDir !== '') return;
  if (flags.loraRank > 0 || flags.adapter !== '') {
    throw new ConfigError(
      'invalid_config',
      `flag ${flags.loraRank > 0 ? '--lora-rank' : '--adapter'} needs --model DIR (a Hugging Face model directory)`,
    );
  }
}
