// The policy and reference of a `train` run on a Hugging Face model directory: the model with its
// adapter (fresh from --lora-rank, or --adapter DIR), the renderer over the model's chat template, and
// the frozen reference of the KL penalty: the base weights themselves under LoRA (they never change),
// else a copy of the initial weights. A resumed run rebuilds the same start and then loads its checkpoint.

import type { ChatRenderer } from '../conversation/chat-renderer.js';
import { LanguageModel } from '../models/language-model.js';
import { loraConfigFromFlags } from './hf-policy-flags.js';
import { loadHfPolicy } from './hf-policy-model.js';
import type { TrainingConfig } from './training-config.js';
import { copyParameters } from './training-model.js';

/** A run's policy model, its renderer, and the frozen reference model. */
export type TrainingPolicy = {
  readonly model: LanguageModel;
  readonly renderer: ChatRenderer;
  readonly reference: LanguageModel;
};

/** Loads `config.model` (a directory) with the run's adapter; the same config always gives the same start. */
export async function hfTrainingPolicy(
  config: TrainingConfig & { readonly model: string },
): Promise<TrainingPolicy> {
  const threads = config.threads === 0 ? undefined : config.threads;
  const { model, renderer } = await loadHfPolicy({
    dir: config.model,
    lora: loraConfigFromFlags(config),
    ...(config.adapter === '' ? {} : { adapterDir: config.adapter }),
    seed: config.seed,
    threads,
  });
  const reference = new LanguageModel({
    config: model.config,
    parameters: model.adapter === undefined ? copyParameters(model.parameters) : model.parameters,
    // A saved adapter is part of the starting policy, so the reference keeps it (frozen: a copy).
    ...(config.adapter === '' || model.adapter === undefined
      ? {}
      : { adapter: { config: model.adapter.config, parameters: copyParameters(model.adapter.parameters) } }),
    threads,
  });
  return { model, renderer, reference };
}
