// Flags of `stateset-agents quickstart`: the time budget and how it is split between SFT and GRPO,
// the model, and the held-out evaluation. One zod schema drives the flags, STATESET_* and --help.

import { z } from 'zod';
import { TrainingConfigSchema } from '../../training/training-config.js';
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
    // The habits teacher: its mistakes fall where real agents' habits do, so imitation learns them
    // and GRPO, rewarded for what the policy says, has something to unlearn (README).
    mistakePattern: SftConfigSchema.shape.mistakePattern
      .unwrap()
      .default('habits')
      .describe(
        "Where the teacher's mistakes fall: 'habits', each kind in its own situation (a bare-id reply, cancelling a non-pending order, a delivered order's status, a 'shipping address' question), or 'random', any kind in any conversation.",
      ),
    mistakeRate: SftConfigSchema.shape.mistakeRate
      .unwrap()
      .default(0.7)
      .describe(
        "With 'habits', the share of habit situations in which the teacher follows its habit; with 'random', the share of conversations with one mistake.",
      ),
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
      .default('lookup+answer')
      .describe(
        "Copy-curriculum fragments: 'lookup' ends each at the first tool call, 'full' keeps it whole, 'answer' runs from the first tool call to the answer; 'mixed' (lookup, full) and 'lookup+answer' have two per demonstration.",
      ),
    curriculumStatusSwap: SftConfigSchema.shape.curriculumStatusSwap
      .unwrap()
      .default(true)
      .describe(
        "In the copy curriculum's answer fragments, give each looked-up order a random status that the answer states, so the status can only be right by copying it (needs answer fragments).",
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
    // GRPO's recipe in the learning benchmark's measured run, with a stronger KL penalty: the few
    // dozen steps that fit in the budget otherwise trade copied statuses for the delivered habit's
    // fix (README, "What the quickstart does").
    grpoTemperature: TrainingConfigSchema.shape.temperature
      .unwrap()
      .default(0.7)
      .describe('Sampling temperature of the GRPO rollouts (evaluations stay greedy).'),
    grpoKlCoefficient: z
      .number()
      .min(0)
      .default(0.3)
      .describe('β of the GRPO k3 KL penalty to the SFT checkpoint; 0 turns it off.'),
    grpoDropZeroAdvantage: TrainingConfigSchema.shape.dropZeroAdvantage
      .unwrap()
      .default(false)
      .describe(
        'Leave GRPO groups whose rollouts all scored alike out of the update; kept by default, where the KL penalty still acts on them.',
      ),
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
