// A Hugging Face `generation_config.json`: the ids that end generation and the default sampling
// settings (transformers' GenerationConfig; do_sample false means greedy).

import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { ModelError } from '../errors.js';

/** The generation defaults of a checkpoint. */
export type HfGenerationConfig = {
  /** Ids that end generation (generation_config's, else config.json's eos_token_id). */
  readonly eosTokenIds: readonly number[];
  readonly bosTokenId?: number;
  /** 0 when the checkpoint samples greedily (do_sample false). */
  readonly temperature: number;
  readonly topK: number;
  readonly topP: number;
};

const tokenIds = z.union([z.number().int().min(0), z.array(z.number().int().min(0))]).nullish();

const GenerationConfigSchema = z.looseObject({
  eos_token_id: tokenIds.describe('Id or ids that end generation.'),
  bos_token_id: z.number().int().min(0).nullish().describe('Id that begins a sequence.'),
  do_sample: z.boolean().default(false).describe('Sample (true) or decode greedily (false, the default).'),
  temperature: z.number().min(0).default(1).describe('Sampling temperature when do_sample.'),
  top_k: z.number().int().min(0).default(50).describe('Keep the k most probable tokens; 0 keeps all.'),
  top_p: z.number().gt(0).max(1).default(1).describe('Nucleus probability mass.'),
});

/**
 * Reads `generation_config.json` from `dir` (absent: greedy, no limits), with `configEos` (config.json's
 * eos_token_id) as the fallback stop ids. Throws ModelError('invalid_model_config') for a malformed file.
 */
export async function readHfGenerationConfig(dir: string, configEos?: unknown): Promise<HfGenerationConfig> {
  const path = join(dir, 'generation_config.json');
  let json: unknown = {};
  if (existsSync(path)) {
    try {
      json = JSON.parse(await readFile(path, 'utf8'));
    } catch (error) {
      throw new ModelError('invalid_model_config', `cannot read ${path}: ${String(error)}`, { cause: error });
    }
  }
  const parsed = GenerationConfigSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ModelError('invalid_model_config', `${path} ${issue.path.join('.')}: ${issue.message}`);
  }
  const fallback = tokenIds.safeParse(configEos);
  const eos = parsed.data.eos_token_id ?? (fallback.success ? fallback.data : undefined);
  const sampled = parsed.data.do_sample;
  return {
    eosTokenIds: eos == null ? [] : Array.isArray(eos) ? eos : [eos],
    ...(parsed.data.bos_token_id == null ? {} : { bosTokenId: parsed.data.bos_token_id }),
    temperature: sampled ? parsed.data.temperature : 0,
    topK: sampled ? parsed.data.top_k : 0,
    topP: sampled ? parsed.data.top_p : 1,
  };
}
