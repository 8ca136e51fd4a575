// Flags of `stateset-agents eval`: which environment, split and agent, how many trials, and where the
// results go. One zod schema drives the flags, STATESET_* variables, --config files and --help.

import { z } from 'zod';
import { SUPPORT_LITE_SUCCESS_THRESHOLD } from '../../evaluation/episode-scorers.js';

/** Environments `eval` knows. */
export const EVAL_ENVIRONMENTS = ['retail', 'support-lite'] as const;
/** Agents `eval` can run. */
export const EVAL_AGENTS = ['gold', 'random', 'openai', 'local'] as const;
/** Split names `eval` accepts; `heldout` is each environment's held-out split (`test` in both). */
export const EVAL_SPLITS = ['dev', 'train', 'test', 'heldout'] as const;

/** Flags of `eval`. */
export const EvalConfigSchema = z
  .object({
    env: z
      .enum(EVAL_ENVIRONMENTS)
      .default('retail')
      .describe('Environment: τ-bench retail, or support-lite.'),
    agent: z
      .enum(EVAL_AGENTS)
      .default('gold')
      .describe(
        'gold: the perfect scripted agent (retail gold actions; support-lite expert); random: seeded random tool calls; openai: an OpenAI-compatible endpoint; local: a byte-level checkpoint (--checkpoint) or a Hugging Face model directory (--model, with --adapter).',
      ),
    split: z
      .enum(EVAL_SPLITS)
      .default('heldout')
      .describe('Task split; heldout = test (retail has train, dev, test; support-lite train, test).'),
    trials: z
      .number()
      .int()
      .min(1)
      .default(1)
      .describe('Trials per task; pass^1 … pass^trials are reported.'),
    tasks: z
      .number()
      .int()
      .min(0)
      .default(0)
      .describe('Evaluate this many tasks of the split, drawn with --seed (kept in split order); 0: all.'),
    concurrency: z.number().int().min(1).default(8).describe('Episodes in flight at once.'),
    seed: z.number().int().min(0).default(0).describe('Seed of the task draw, simulated users and sampling.'),
    maxTurns: z.number().int().min(1).default(30).describe('An episode ends after this many agent turns.'),
    data: z
      .string()
      .default('')
      .describe(
        'τ-bench retail data folder (both environments use its database); empty: $STATESET_TAU_RETAIL, else shared/tau-retail in or beside the working directory.',
      ),
    user: z
      .enum(['scripted', 'llm'])
      .default('scripted')
      .describe('Simulated user: scripted from the task, or an LLM (retail only; needs --user-base-url).'),
    userBaseUrl: z
      .string()
      .default('')
      .describe('OpenAI-compatible endpoint of the LLM user, e.g. http://127.0.0.1:8000/v1.'),
    userModel: z.string().min(1).default('gpt-4o').describe('Model name of the LLM user.'),
    userApiKey: z.string().default('').describe('API key of the LLM user endpoint; empty sends none.'),
    baseUrl: z
      .string()
      .default('')
      .describe('--agent openai: the endpoint, e.g. http://127.0.0.1:8000/v1 (required).'),
    model: z
      .string()
      .default('')
      .describe(
        '--agent openai: the model name (required); --agent local: a Hugging Face Llama-family model directory (instead of --checkpoint).',
      ),
    adapter: z
      .string()
      .default('')
      .describe('--agent local with --model: a PEFT LoRA adapter folder to load on the model.'),
    apiKey: z.string().default('').describe('--agent openai: the API key; empty sends "EMPTY".'),
    checkpoint: z
      .string()
      .default('')
      .describe('--agent local: a stateset-agents checkpoint of a byte-level model (or use --model DIR).'),
    temperature: z
      .number()
      .min(0)
      .default(0)
      .describe('Sampling temperature of the openai and local agents.'),
    maxNewTokens: z
      .number()
      .int()
      .min(1)
      .default(512)
      .describe('Most tokens per agent turn (openai: max_tokens; local: sampled tokens).'),
    toolPrompt: z
      .enum(['compact', 'hermes'])
      .default('compact')
      .describe(
        '--agent local: how tools are described in the system prompt, as `train` and `sft` describe them.',
      ),
    successThreshold: z
      .number()
      .min(0)
      .max(1)
      .default(SUPPORT_LITE_SUCCESS_THRESHOLD)
      .describe('support-lite: an episode succeeds when its score is at least this (retail: task success).'),
    out: z.string().default('').describe('Write the results as JSON to this file; empty: none.'),
    trajectories: z
      .string()
      .default('')
      .describe('Write every trajectory as JSONL to this file; empty: none.'),
  })
  .strict();

/** A resolved `eval` configuration. */
export type EvalConfig = z.output<typeof EvalConfigSchema>;

/** Keys whose values are secrets, masked wherever the configuration is logged or written. */
const SECRET_KEYS = ['apiKey', 'userApiKey'] as const;

/** The configuration with API keys masked, for logs and result files. */
export function redactedConfig(config: EvalConfig): EvalConfig {
  const copy: Record<string, unknown> = { ...config };
  for (const key of SECRET_KEYS) if (copy[key] !== '') copy[key] = '***';
  return copy as EvalConfig;
}
