// Flags of `stateset-agents export`: which trajectory store to read, what to keep, and the format
// of the training data it writes. One zod schema drives the flags, STATESET_* variables and --help.

import { z } from 'zod';

/** Flags of `export`. */
export const ExportConfigSchema = z.object({
  from: z
    .string()
    .default('')
    .describe(
      'Trajectory store to read, also given as the first argument: a JSONL file, a folder of *.jsonl files, or a redis:// URL (required).',
    ),
  out: z.string().default('').describe('File to write the training data to (required; replaced atomically).'),
  format: z
    .enum(['chat', 'trajectories'])
    .default('chat')
    .describe(
      'chat: OpenAI chat JSONL for `sft --data`; trajectories: Trajectory JSONL with token ids, logprobs and feedback (sft reads it too).',
    ),
  minRating: z
    .number()
    .nullable()
    .default(null)
    .describe(
      "Keep only conversations whose latest feedback rating is at least this (unrated ones are dropped); null: don't filter.",
    ),
  environment: z
    .string()
    .default('')
    .describe('Keep only conversations of this environment (retail, support-lite, none); empty: all.'),
  limit: z
    .number()
    .int()
    .min(0)
    .default(0)
    .describe('Write at most this many conversations, oldest first; 0: all.'),
  redisKey: z
    .string()
    .default('stateset:trajectories')
    .describe('Key of the Redis list, when --from is a redis:// URL.'),
  skipInvalid: z
    .boolean()
    .default(false)
    .describe('Skip malformed or torn lines, naming each on stderr, instead of failing on the first.'),
});

/** The resolved flags of `export`. */
export type ExportConfig = z.output<typeof ExportConfigSchema>;
