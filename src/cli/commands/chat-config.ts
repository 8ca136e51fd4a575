// Flags of `stateset-agents chat`: the checkpoint, the tools it may call, and how it samples.

import { z } from 'zod';
import { CHAT_WORLD_NAMES } from '../../environments/chat-world.js';

/** What the agent can act on: τ-bench retail's 16 tools, support-lite's 3 (both over the retail database), or none. */
export const CHAT_ENVIRONMENTS = CHAT_WORLD_NAMES;

/** Flags of `chat`. */
export const ChatConfigSchema = z.object({
  checkpoint: z
    .string()
    .default('')
    .describe(
      'A stateset-agents checkpoint of a byte-level model, e.g. runs/…/checkpoints/best.safetensors (or use --model).',
    ),
  model: z
    .string()
    .default('')
    .describe('A Hugging Face Llama-family model directory to chat with (instead of --checkpoint).'),
  adapter: z.string().default('').describe('With --model: a PEFT LoRA adapter folder to load on the model.'),
  env: z
    .enum(CHAT_ENVIRONMENTS)
    .default('support-lite')
    .describe(
      'Tools and system prompt: support-lite or retail (tool calls run on a fresh copy of the retail database, renewed on /reset), or none.',
    ),
  data: z
    .string()
    .default('')
    .describe(
      'τ-bench retail data folder; empty: $STATESET_TAU_RETAIL, else shared/tau-retail in or beside the working directory.',
    ),
  system: z
    .string()
    .default('')
    .describe(
      "System prompt; empty: the environment's (support-lite's policy, retail's wiki; none for --env none).",
    ),
  toolPrompt: z
    .enum(['compact', 'hermes'])
    .default('compact')
    .describe('How tools are described in the system prompt; use what the model was trained with.'),
  temperature: z.number().min(0).default(0).describe('Sampling temperature; 0: greedy.'),
  maxNewTokens: z
    .number()
    .int()
    .min(1)
    .default(256)
    .describe(
      'Most tokens the model samples per reply (a support-lite cancel turn, its status note and call, is about 180).',
    ),
  maxToolRounds: z
    .number()
    .int()
    .min(1)
    .default(8)
    .describe('Assistant turns per message of yours before the loop gives you the word back.'),
  seed: z.number().int().min(0).default(0).describe('Seed of the sampling stream.'),
  threads: z.number().int().min(0).default(0).describe('ONNX Runtime threads; 0 uses every core.'),
});

/** A resolved `chat` configuration. */
export type ChatConfig = z.output<typeof ChatConfigSchema>;
