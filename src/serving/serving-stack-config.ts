// The configuration of a whole serving process (`stateset-agents serve`, the production example): the
// server's own settings plus those of the conversation and training-job routes and the capture store.

import { z } from 'zod';
import { ConversationsConfigSchema, type ConversationsConfig } from './conversations/conversations-config.js';
import { ServeConfigSchema } from './serve-config.js';
import { TrainingJobsConfigSchema, type TrainingJobsConfig } from './training-jobs/training-jobs-config.js';

/** Every setting of a serving process; one flat schema, so each field is a flag and a STATESET_* variable. */
export const ServingStackConfigSchema = z.strictObject({
  ...ServeConfigSchema.shape,
  ...ConversationsConfigSchema.shape,
  ...TrainingJobsConfigSchema.shape,
  trainingJobs: z
    .boolean()
    .default(true)
    .describe('Serve the training-job routes (scope train), which run `train` in worker processes.'),
  trajectoryStore: z
    .enum(['jsonl', 'redis'])
    .default('jsonl')
    .describe('Where finished conversations are captured: JSONL files in trajectoriesDir, or a Redis list.'),
  trajectoryKey: z
    .string()
    .min(1)
    .default('stateset:trajectories')
    .describe('Key of the Redis list when trajectoryStore is redis (what `export --redis-key` reads).'),
});

/** A resolved serving configuration. */
export type ServingStackConfig = z.output<typeof ServingStackConfigSchema>;

/** The conversation routes' part of `config`. */
export function conversationsConfigOf(config: ServingStackConfig): ConversationsConfig {
  return pick(ConversationsConfigSchema, config);
}

/** The training jobs' part of `config`. */
export function trainingJobsConfigOf(config: ServingStackConfig): TrainingJobsConfig {
  return pick(TrainingJobsConfigSchema, config);
}

function pick<S extends z.ZodObject>(schema: S, config: ServingStackConfig): z.output<S> {
  const values = config as Record<string, unknown>;
  return schema.parse(Object.fromEntries(Object.keys(schema.shape).map((key) => [key, values[key]])));
}
