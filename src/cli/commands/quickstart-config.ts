// Flags of `stateset-agents quickstart`: the time budget and how it is split between SFT and GRPO,
// the model, and the held-out evaluation. One zod schema drives the flags, STATESET_* and --help.

import { z } from 'zod';
import { SftConfigSchema } from './sft-config.js';

/** Flags of `quickstart`. */
export const QuickstartConfigSchema = z
  .object({
    seconds: z
      .number()
      .positive()
      .default(300)
      .describe('Time budget of the whole run: SFT, both evaluations and GRPO (without fixed step counts).'),
    sftShare: z
      .number()
      .gt(0)
      .lt(1)
      .default(0.5)
      .describe('Share of --seconds for SFT (without --sft-seconds or --sft-steps).'),
    sftSeconds: z.number().min(0).default(0).describe('Seconds of SFT; 0: --sft-share of --seconds.'),
    sftSteps: z
      .number()
      .int()
      .min(0)
      .default(0)
      .describe('Fixed SFT optimiser steps instead of a time limit; 0: train for the SFT seconds.'),
    grpoSteps: z
      .number()
      .int()
      .min(0)
      .default(0)
      .describe('Fixed GRPO steps; 0: as many as fit in what is left of --seconds (at least one).'),
    demos: z.number().int().min(1).default(1000).describe('Teacher demonstrations SFT trains on.'),
    mistakeRate: z
      .number()
      .min(0)
      .max(1)
      .default(0.3)
      .describe('Share of teacher conversations with one realistic mistake.'),
    evalTasks: z
      .number()
      .int()
      .min(1)
      .default(100)
      .describe('Held-out support-lite tasks of the before and after evaluations (drawn with --seed).'),
    // The model and SFT recipe of the learning benchmark's measured run (README): small enough that
    // SFT learns the conversation format within the budget on two cores, so GRPO starts from
    // rollouts whose rewards differ.
    width: z.number().int().positive().default(64).describe('Model width.'),
    layers: z.number().int().positive().default(2).describe('Transformer blocks.'),
    heads: z.number().int().positive().default(2).describe('Attention heads; must divide the width.'),
    context: SftConfigSchema.shape.context,
    curriculumShare: z
      .number()
      .min(0)
      .max(0.9)
      .default(0.6)
      .describe("Share of SFT spent first on sft's copy curriculum (fresh random order ids)."),
    curriculumCopyWeight: SftConfigSchema.shape.curriculumCopyWeight
      .unwrap()
      .default(20)
      .describe("Loss weight of copied order-id digits in the copy curriculum (see sft's flag)."),
    curriculumFragments: SftConfigSchema.shape.curriculumFragments
      .unwrap()
      .default('lookup')
      .describe(
        "Copy-curriculum fragments: 'lookup' ends each at the first tool call, 'full' keeps it whole, 'answer' runs from the first tool call to the answer; 'mixed' (lookup, full) and 'lookup+answer' have two per demonstration.",
      ),
    previousTokenEmbedding: SftConfigSchema.shape.previousTokenEmbedding
      .unwrap()
      .default(true)
      .describe('The model also embeds the previous token, a shortcut to copying order ids.'),
    previousTokens: SftConfigSchema.shape.previousTokens
      .unwrap()
      .default(4)
      .describe(
        'With --previous-token-embedding, how many previous tokens the model embeds; 4 tells the fields of a tool result apart ("ress: ", "atus: ", "tems: ") in one attention layer.',
      ),
    sftLearningRate: z.number().positive().default(3e-3).describe('Peak AdamW learning rate of SFT.'),
    maxNewTokens: z
      .number()
      .int()
      .positive()
      .default(256)
      .describe('Most tokens per agent turn, in GRPO rollouts and in the evaluations.'),
    seed: z
      .number()
      .int()
      .min(0)
      .default(0)
      .describe('Seed of the weights, demonstrations, batches, rollouts and evaluation tasks.'),
    out: z.string().min(1).default('runs').describe('Folder that receives the quickstart run folder.'),
    retailData: z
      .string()
      .default('')
      .describe(
        'τ-bench retail data folder; empty: $STATESET_TAU_RETAIL, else shared/tau-retail in or beside the working directory.',
      ),
    threads: z.number().int().min(0).default(0).describe('ONNX Runtime threads; 0 uses every core.'),
  })
  .strict();

/** A resolved `quickstart` configuration. */
export type QuickstartConfig = z.output<typeof QuickstartConfigSchema>;
