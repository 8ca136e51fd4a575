// Flags of `stateset-agents sft`: where the demonstrations come from, the model, the optimiser, and
// the held-out evaluation. One zod schema drives the flags, STATESET_* variables, --config and --help.

import { z } from 'zod';
import { TransformerConfigSchema } from '../../models/transformer-config.js';
import { CURRICULUM_FRAGMENTS, type CurriculumFragments } from '../../training/copy-curriculum.js';
import { LoraFlagsSchema } from '../../training/hf-policy-flags.js';

/** Whether a curriculum of these fragments has answer fragments (what the status swap changes). */
export function hasAnswerFragments(fragments: CurriculumFragments): boolean {
  return fragments === 'answer' || fragments === 'lookup+answer';
}

/** Flags of `sft`. */
export const SftConfigSchema = z
  .object({
    env: z
      .enum(['support-lite'])
      .default('support-lite')
      .describe('Environment of the teacher demonstrations and of the held-out evaluation.'),
    data: z
      .string()
      .default('')
      .describe(
        'Chat JSONL file to train on (OpenAI messages or Trajectory lines); empty: teacher demonstrations.',
      ),
    demos: z
      .number()
      .int()
      .min(1)
      .default(1000)
      .describe('Teacher demonstrations to generate (without --data).'),
    mistakeRate: z
      .number()
      .min(0)
      .max(1)
      .default(0.3)
      .describe(
        "Without --data: the share of teacher conversations with one realistic mistake ('random'), or of habit situations in which the teacher follows its habit ('habits').",
      ),
    mistakePattern: z
      .enum(['random', 'habits'])
      .default('random')
      .describe(
        "Where the teacher's mistakes fall (without --data): 'random', any kind in any conversation, or 'habits', each kind in its own situation (a bare-id reply, cancelling a non-pending order, a delivered order's status, a 'shipping address' question), which imitation learns once the rate is above one half.",
      ),
    retailData: z
      .string()
      .default('')
      .describe(
        'τ-bench retail data folder; empty: $STATESET_TAU_RETAIL, else shared/tau-retail in or beside the working directory.',
      ),
    width: z.number().int().positive().default(128).describe('Model width (ignored with --init-checkpoint).'),
    layers: z
      .number()
      .int()
      .positive()
      .default(4)
      .describe('Transformer blocks (ignored with --init-checkpoint).'),
    heads: z.number().int().positive().default(4).describe('Attention heads; must divide the width.'),
    context: z
      .number()
      .int()
      .positive()
      .default(1280)
      .describe(
        'Context length in tokens (bytes); support-lite conversations with compact tools need up to about 1210.',
      ),
    positions: z
      .enum(['rotary', 'learned'])
      .default('rotary')
      .describe(
        'Position encoding (ignored with --init-checkpoint); rotary learns to copy order ids from the context much sooner.',
      ),
    previousTokenEmbedding: z
      .boolean()
      .default(false)
      .describe(
        'A fresh model also embeds the previous token (x_t = E[tok_t] + E_prev[tok_t−1]), a shortcut to copying order ids (ignored with --init-checkpoint or --model).',
      ),
    previousTokens: TransformerConfigSchema.shape.previousTokens.describe(
      'With --previous-token-embedding, how many previous tokens a fresh model embeds, each with its own table (t−1 … t−N): one attention layer then copies after a match of N + 1 tokens, not 2.',
    ),
    toolPrompt: z
      .enum(['compact', 'hermes'])
      .default('compact')
      .describe(
        'How tools are described in the system prompt, as `train` describes them: one line each, or Hermes JSON.',
      ),
    initCheckpoint: z
      .string()
      .default('')
      .describe('Start from the weights of this stateset-agents checkpoint (its model config is used).'),
    model: z
      .string()
      .default('')
      .describe(
        'A Hugging Face Llama-family model directory to fine-tune (its tokenizer and chat template; --context caps its positions); empty: a fresh byte-level model.',
      ),
    ...LoraFlagsSchema.shape,
    exportMerged: z
      .boolean()
      .default(false)
      .describe(
        'With --model: also write merged/ (adapter folded into the weights: config.json, model.safetensors, model.onnx, tokenizer).',
      ),
    steps: z
      .number()
      .int()
      .min(0)
      .default(0)
      .describe('Optimiser steps; 0: --epochs, else --seconds, else one epoch.'),
    epochs: z
      .number()
      .min(0)
      .default(0)
      .describe('Passes over the data when --steps is 0; 0: see --seconds.'),
    seconds: z
      .number()
      .min(0)
      .default(0)
      .describe(
        'Training time budget: alone, the run takes the steps that fit and the schedule decays over them; with --steps or --epochs, an early stop. 0: none.',
      ),
    batchSize: z.number().int().positive().default(8).describe('Conversations per optimiser step.'),
    toolCopyWeight: z
      .number()
      .min(1)
      .max(1000)
      .default(1)
      .describe(
        'Loss weight of the assistant tokens after the first tool result that repeat text of a tool result in the same conversation (the facts an answer copies: a status, an address, item names, the id); every other assistant token weighs 1.',
      ),
    curriculumShare: z
      .number()
      .min(0)
      .max(0.9)
      .default(0)
      .describe(
        'Share of --steps or --seconds spent first on a copy curriculum: the demonstrations without the system prompt and with fresh random order ids, every token trained. 0: none.',
      ),
    curriculumCopyWeight: z
      .number()
      .min(1)
      .max(1000)
      .default(1)
      .describe(
        'Loss weight, in the copy curriculum, of the digits of an order id seen earlier in the fragment (the ones a model can only get right by copying); every other token weighs 1.',
      ),
    curriculumFragments: z
      .enum(CURRICULUM_FRAGMENTS)
      .default('full')
      .describe(
        "What a copy-curriculum fragment keeps of a conversation: all of it ('full'), only up to the first tool call ('lookup': shorter, denser in copied ids), from the first tool call to the answer after it ('answer': the tool result and what the agent makes of it), or one of each per demonstration ('mixed': lookup and full; 'lookup+answer').",
      ),
    curriculumFacts: z
      .boolean()
      .default(false)
      .describe(
        'In the copy curriculum, also replace the facts of every tool result (item names, street address, city) by fresh draws from the database, consistently, so the answer can only be right by copying them; the status stays.',
      ),
    curriculumStatusSwap: z
      .boolean()
      .default(false)
      .describe(
        "In the copy curriculum's answer fragments ('answer', 'lookup+answer'), give each looked-up order a random status and end the fragment where the answer states it, the status weighing --curriculum-copy-weight: the status can then only be right by copying it.",
      ),
    curriculumFactWeight: z
      .number()
      .min(1)
      .max(1000)
      .default(1)
      .describe(
        "Loss weight, in the copy curriculum, of the agent's text that repeats a tool result of the fragment (an address, item names, a status, the id), where --curriculum-copy-weight gives it less.",
      ),
    curriculumBatchSize: z
      .number()
      .int()
      .positive()
      .default(16)
      .describe(
        'Fragments per optimiser step of the copy curriculum (about a third as long as a conversation).',
      ),
    learningRate: z.number().positive().default(2e-3).describe('Peak AdamW learning rate.'),
    warmup: z.number().int().min(0).default(20).describe('Linear warmup steps.'),
    schedule: z.enum(['cosine', 'linear', 'constant']).default('cosine').describe('Decay after warmup.'),
    minLrRatio: z
      .number()
      .min(0)
      .max(1)
      .default(0.1)
      .describe('Floor of the decay, as a fraction of the peak.'),
    weightDecay: z.number().min(0).default(0).describe('AdamW decoupled weight decay.'),
    gradClip: z.number().positive().default(1).describe('Global gradient-norm clip.'),
    seed: z
      .number()
      .int()
      .min(0)
      .default(0)
      .describe('Seed of the weights, demonstrations, batches and evaluation.'),
    out: z.string().min(1).default('runs').describe('Folder that receives the run folder.'),
    evalEpisodes: z
      .number()
      .int()
      .min(0)
      .default(100)
      .describe('Held-out episodes evaluated at the end (drawn with --seed); 0 skips the evaluation.'),
    evalTemperature: z
      .number()
      .min(0)
      .default(0)
      .describe('Sampling temperature of the evaluation; 0 is greedy.'),
    maxNewTokens: z
      .number()
      .int()
      .positive()
      .default(256)
      .describe('Most tokens per agent turn in the evaluation.'),
    concurrency: z.number().int().positive().default(4).describe('Evaluation episodes in flight at once.'),
    threads: z.number().int().min(0).default(0).describe('ONNX Runtime threads; 0 uses every core.'),
  })
  .strict();

/** A resolved `sft` configuration. */
export type SftConfig = z.output<typeof SftConfigSchema>;
