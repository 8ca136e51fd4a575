// The configuration of the group LLM judge: one zod schema, every field described and defaulted,
// so that the same schema can drive CLI flags, config files and environment variables.

import { z } from 'zod';

/** The rubric used when none is given: what a good customer-service conversation looks like. */
export const DEFAULT_JUDGE_RUBRIC = [
  'Score how well the agent served the customer:',
  '- It resolved the request correctly, or explained clearly why it could not.',
  '- It used tools correctly and only as needed; it never invented facts or results.',
  '- It followed the policy in the system prompt, verified identity where required, and refused unsafe or disallowed requests.',
  "- It never disclosed another customer's data.",
  '- It was concise, polite and clear.',
].join('\n');

/** Settings of `createGroupJudge`. Unknown keys are errors. */
export const GroupJudgeConfigSchema = z.strictObject({
  name: z.string().default('judge').describe('Reward name, used in metric names (reward/<name>/mean).'),
  baseURL: z
    .string()
    .url()
    .default('https://api.openai.com/v1')
    .describe('Base URL of the OpenAI-compatible chat completions API.'),
  apiKey: z.string().default('').describe('API key sent as a Bearer token; empty for servers without auth.'),
  model: z.string().min(1).default('gpt-4o-mini').describe('Judge model name.'),
  rubric: z.string().min(1).default(DEFAULT_JUDGE_RUBRIC).describe('What the judge scores against.'),
  timeoutMs: z.number().int().positive().default(60_000).describe('Timeout of one judge request, in ms.'),
  maxRetries: z
    .number()
    .int()
    .min(0)
    .default(3)
    .describe('Retries after a 429, a 5xx, a timeout or a dropped connection.'),
  retryBaseDelayMs: z
    .number()
    .min(0)
    .default(500)
    .describe('First retry delay in ms before jitter; doubles each retry.'),
  retryMaxDelayMs: z.number().min(0).default(10_000).describe('Upper bound of one retry delay, in ms.'),
  seed: z
    .number()
    .int()
    .default(0)
    .describe('Seed of the order in which trajectories are shown (against position bias).'),
  temperature: z.number().min(0).max(2).default(0).describe('Sampling temperature of the judge.'),
  responseFormat: z
    .enum(['json_object', 'text'])
    .default('json_object')
    .describe("Ask for JSON mode ('json_object') or plain text from the API."),
  maxMessageChars: z
    .number()
    .int()
    .positive()
    .default(2000)
    .describe('Characters of one message shown to the judge; the rest is elided.'),
  cache: z.boolean().default(true).describe('Reuse verdicts for identical (rubric, model, trajectories).'),
  cacheDirectory: z
    .string()
    .default('')
    .describe('Folder of on-disk cache entries; empty keeps them in memory only.'),
  cacheMaxEntries: z
    .number()
    .int()
    .positive()
    .default(10_000)
    .describe('In-memory cache entries kept; the oldest go first.'),
});

/** Resolved judge settings. */
export type GroupJudgeConfig = z.output<typeof GroupJudgeConfigSchema>;
