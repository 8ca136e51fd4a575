// A whole Hugging Face model directory: the Llama weights and config, the tokenizer with its chat
// template, and the generation defaults (eos ids, sampling), checked against each other.

import { ModelError } from '../errors.js';
import { readHfGenerationConfig, type HfGenerationConfig } from './hf-generation-config.js';
import type { HfLlamaConfigOptions } from './hf-llama-config.js';
import { loadHfLlama } from './hf-llama-weights.js';
import { loadHfTokenizer, type HfTokenizer } from './tokenizers/hf-tokenizer.js';
import type { TransformerConfig } from './transformer-config.js';
import type { ParameterSet } from './transformer-params.js';

/** Everything a Hugging Face Llama directory holds, ready for the engine. */
export type HfModelDirectory = {
  readonly dir: string;
  readonly config: TransformerConfig;
  readonly parameters: ParameterSet;
  readonly tokenizer: HfTokenizer;
  readonly generation: HfGenerationConfig;
  /** The ids that end an assistant turn: generation_config's eos ids, and the tokenizer's eos. */
  readonly stopTokenIds: readonly number[];
};

/**
 * Loads `config.json`, the safetensors weights (single or sharded), `tokenizer.json`,
 * `tokenizer_config.json` and `generation_config.json` of `dir`. Throws ModelError('checkpoint_mismatch')
 * when the tokenizer has ids the model's vocabulary lacks.
 */
export async function loadHfModelDirectory(
  dir: string,
  options: HfLlamaConfigOptions = {},
): Promise<HfModelDirectory> {
  const { config, parameters, configJson } = await loadHfLlama(dir, options);
  const tokenizer = await loadHfTokenizer(dir);
  if (tokenizer.vocabSize > config.vocabSize) {
    throw new ModelError(
      'checkpoint_mismatch',
      `${dir}: the tokenizer has ${tokenizer.vocabSize} ids, the model's vocab_size is ${config.vocabSize}`,
    );
  }
  const generation = await readHfGenerationConfig(dir, configJson.eos_token_id);
  const stops = new Set(generation.eosTokenIds);
  if (tokenizer.eosTokenId !== undefined) stops.add(tokenizer.eosTokenId);
  return { dir, config, parameters, tokenizer, generation, stopTokenIds: [...stops] };
}
