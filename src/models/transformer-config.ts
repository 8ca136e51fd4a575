// Configuration of the causal transformer LM family: GPT-2 style (LayerNorm, GELU, learned positions,
// tied head) through Llama style (RMSNorm, SwiGLU, rotary positions, separate head) and Qwen2 style
// (Llama with biases on the q/k/v projections).

import { z } from 'zod';
import { ModelError } from '../errors.js';
import { RopeScalingSchema } from './rope-scaling.js';

/** The schema of a transformer LM configuration; every field documented, with a default. */
export const TransformerConfigSchema = z
  .object({
    vocabSize: z.number().int().positive().default(512).describe('Number of token ids the model knows.'),
    contextLength: z.number().int().positive().default(256).describe('Maximum sequence length (positions).'),
    width: z.number().int().positive().default(64).describe('Model width C (residual stream size).'),
    layers: z.number().int().positive().default(2).describe('Number of transformer blocks L.'),
    heads: z
      .number()
      .int()
      .positive()
      .default(4)
      .describe('Number of attention heads H; width must divide by it.'),
    kvHeads: z
      .number()
      .int()
      .positive()
      .optional()
      .describe('Key/value heads for grouped-query attention; defaults to heads.'),
    mlpWidth: z.number().int().positive().default(256).describe('Hidden width of the MLP.'),
    norm: z.enum(['layernorm', 'rmsnorm']).default('layernorm').describe('Normalisation layer.'),
    normEpsilon: z.number().positive().default(1e-5).describe('Epsilon of the normalisation layers.'),
    activation: z.enum(['gelu', 'swiglu']).default('gelu').describe('MLP activation: GELU (tanh) or SwiGLU.'),
    positions: z.enum(['learned', 'rotary']).default('learned').describe('Position encoding.'),
    ropeTheta: z.number().positive().default(10000).describe('Rotary base frequency theta.'),
    ropeScaling: RopeScalingSchema.optional().describe(
      'Rotary scaling of a long-context checkpoint (linear or llama3); absent: none.',
    ),
    tiedHead: z.boolean().default(true).describe('Share the LM head with the token embedding.'),
    bias: z.boolean().default(true).describe('Use biases in linear layers.'),
    qkvBias: z
      .boolean()
      .default(false)
      .describe('Biases on the query, key and value projections only (Qwen2); implied by bias.'),
    previousTokenEmbedding: z
      .boolean()
      .default(false)
      .describe(
        'Add a second embedding of the previous token (table prev_embed, zero at position 0), so one attention layer can copy the token after an earlier match.',
      ),
    previousTokens: z
      .number()
      .int()
      .min(1)
      .max(8)
      .default(1)
      .describe(
        'With previousTokenEmbedding, how many previous tokens are embedded, each with its own table: t−1 (prev_embed), t−2 (prev_embed_2) … t−N; a copy then matches N tokens of context in one attention layer. Zero where t−k is before position 0.',
      ),
    initStd: z.number().positive().default(0.02).describe('Standard deviation of the weight initialisation.'),
  })
  .strict();

/** A resolved transformer configuration. */
export type TransformerConfig = z.infer<typeof TransformerConfigSchema>;

/** Parses and checks a configuration, throwing ModelError('invalid_model_config') naming the problem. */
export function resolveTransformerConfig(input: unknown): TransformerConfig {
  const parsed = TransformerConfigSchema.safeParse(input ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ModelError(
      'invalid_model_config',
      `model config ${issue.path.join('.') || '(root)'}: ${issue.message}`,
    );
  }
  const config = parsed.data;
  if (config.width % config.heads !== 0) {
    throw new ModelError(
      'invalid_model_config',
      `model config: width ${config.width} is not divisible by heads ${config.heads}`,
    );
  }
  const kvHeads = config.kvHeads ?? config.heads;
  if (config.heads % kvHeads !== 0) {
    throw new ModelError(
      'invalid_model_config',
      `model config: heads ${config.heads} is not divisible by kvHeads ${kvHeads}`,
    );
  }
  if (config.positions === 'rotary' && (config.width / config.heads) % 2 !== 0) {
    throw new ModelError(
      'invalid_model_config',
      `model config: rotary positions need an even head size, got ${config.width / config.heads}`,
    );
  }
  return config;
}
