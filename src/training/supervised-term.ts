// The supervised term of an RL update (PPO-ptx, Ouyang et al. 2022): a batch of chat conversations
// whose assistant tokens add their cross-entropy, weighed γ, to the policy loss of every update, so
// that what SFT taught (copying ids and facts from tool results) is kept while RL changes decisions.
// The batch comes from the conversations themselves, or (`loadCurriculumSequences`) from the copy
// curriculum of the sft run that wrote them, which teaches the copying without the decisions.

import type { Datum } from '../backends/training-backend.js';
import type { ChatRenderer } from '../conversation/chat-renderer.js';
import { ConversationError } from '../conversation/conversation-error.js';
import type { TokenSequence } from '../conversation/token-sequence.js';
import type { ToolDefinition } from '../conversation/tool-definition.js';
import { Rng } from '../engine/random.js';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { readTrajectoriesJsonl } from '../conversation/trajectory-jsonl.js';
import type { RetailDatabase } from '../environments/retail/retail-types.js';
import { ConfigError } from '../errors.js';
import { readChatJsonl } from './chat-dataset.js';
import { CURRICULUM_FRAGMENTS, sftCopyCurriculum } from './copy-curriculum.js';
import { tokenizeChatExamples } from './chat-dataset-tokens.js';
import { sftBatchDatums, trainedTokens } from './sft-batches.js';

/** Options of `loadSupervisedSequences`. */
export type LoadSupervisedSequencesOptions = {
  /** Chat JSONL (OpenAI chat lines or trajectory lines, as `sft --data` reads). */
  readonly path: string;
  readonly renderer: ChatRenderer;
  /** The environment's tools, for conversations that name none: they render as the policy's own. */
  readonly tools: readonly ToolDefinition[];
  readonly formatTools: (tools: readonly ToolDefinition[]) => string;
  /** Most tokens a conversation may have (the model's context + 1). */
  readonly maxTokens: number;
};

/**
 * The file's conversations as token sequences. Throws ConversationError naming the file and line of
 * a conversation longer than the model takes or with no assistant token to train on.
 */
export async function loadSupervisedSequences(
  options: LoadSupervisedSequencesOptions,
): Promise<TokenSequence[]> {
  const examples = await readChatJsonl({ path: options.path });
  const sequences = tokenizeChatExamples({
    renderer: options.renderer,
    examples: examples.map((example) =>
      example.tools !== undefined && example.tools.length > 0
        ? example
        : { ...example, tools: options.tools },
    ),
    formatTools: options.formatTools,
  });
  sequences.forEach((sequence, index) => {
    if (sequence.tokens.length > options.maxTokens)
      throw new ConversationError(
        'sequence_too_long',
        `${options.path}:${index + 1}: the conversation has ${sequence.tokens.length} tokens, the model takes at most ${options.maxTokens} (context + 1)`,
      );
    if (trainedTokens(sequence) === 0)
      throw new ConversationError(
        'invalid_trajectory',
        `${options.path}:${index + 1}: the conversation has no assistant message to train on`,
      );
  });
  return sequences;
}

/** Options of `loadCurriculumSequences`. */
export type LoadCurriculumSequencesOptions = {
  /** An sft run's demonstrations.jsonl; its config.json beside it names the curriculum. */
  readonly path: string;
  readonly renderer: ChatRenderer;
  /** The support-lite database: its real order ids are never drawn, its facts are. */
  readonly database: RetailDatabase;
  /** Draws the fresh ids, facts and statuses. */
  readonly seed: number;
  /** Most tokens a fragment may have (the model's context + 1). */
  readonly maxTokens: number;
};

/** The copy-curriculum options an sft run's config.json records (`options`, as `sft` resolved them). */
const SftRunCurriculumSchema = z.object({
  command: z.literal('sft'),
  options: z.object({
    curriculumShare: z.number(),
    curriculumCopyWeight: z.number(),
    curriculumFragments: z.enum(CURRICULUM_FRAGMENTS),
    curriculumFacts: z.boolean(),
    curriculumStatusSwap: z.boolean(),
    curriculumFactWeight: z.number(),
  }),
});

/**
 * The copy curriculum of the sft run whose demonstrations.jsonl `path` is, rebuilt with the options
 * in the config.json beside it: the same kinds of fragments, weights and variations its warm start
 * trained on, drawn anew from `seed`. Throws ConfigError naming the file when there is no sft
 * config beside the demonstrations, it ran without a curriculum, or a fragment is too long.
 */
export async function loadCurriculumSequences(
  options: LoadCurriculumSequencesOptions,
): Promise<TokenSequence[]> {
  const configPath = join(dirname(options.path), 'config.json');
  let text: string;
  try {
    text = await readFile(configPath, 'utf8');
  } catch (error) {
    throw new ConfigError(
      'invalid_config',
      `sftCurriculum: cannot read ${configPath}; --sft-data must be the demonstrations.jsonl of an sft run folder`,
      { cause: error },
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ConfigError('invalid_config', `sftCurriculum: ${configPath} is not JSON`, { cause: error });
  }
  const parsed = SftRunCurriculumSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ConfigError(
      'invalid_config',
      `sftCurriculum: ${configPath} is not an sft run's config (${issue.path.join('.') || 'its top level'}: ${issue.message})`,
    );
  }
  const curriculum = parsed.data.options;
  if (curriculum.curriculumShare === 0)
    throw new ConfigError(
      'invalid_config',
      `sftCurriculum: the sft run of ${configPath} had no copy curriculum (curriculumShare 0); train it with --curriculum-share, or drop --sft-curriculum`,
    );
  const sequences = sftCopyCurriculum({
    demonstrations: await readTrajectoriesJsonl({ path: options.path }),
    renderer: options.renderer,
    seed: options.seed,
    database: options.database,
    flags: curriculum,
  });
  sequences.forEach((sequence, index) => {
    if (sequence.tokens.length > options.maxTokens)
      throw new ConfigError(
        'invalid_config',
        `sftCurriculum: fragment ${index + 1} of ${options.path} has ${sequence.tokens.length} tokens, the model takes at most ${options.maxTokens} (context + 1)`,
      );
  });
  return sequences;
}

/** Options of `supervisedDatums`. */
export type SupervisedDatumsOptions = {
  readonly sequences: readonly TokenSequence[];
  /** The run's seed and the step: the same step draws the same batch, also after a resume. */
  readonly seed: number;
  readonly step: number;
  readonly batchSize: number;
  /** γ: the weight of the term. */
  readonly coefficient: number;
};

/**
 * The step's `cross_entropy` datums: `batchSize` conversations drawn uniformly (with replacement)
 * for this step, each token weighing γ / N, N the batch's trained tokens, so the summed loss is γ
 * times the mean negative log-likelihood per assistant token.
 */
export function supervisedDatums(options: SupervisedDatumsOptions): Datum[] {
  const { sequences } = options;
  const rng = new Rng(options.seed).fork(`supervised step ${options.step}`);
  const batch = Array.from({ length: options.batchSize }, () => sequences[rng.int(sequences.length)]);
  return sftBatchDatums(batch).map((datum) => ({
    ...datum,
    lossFnInputs: {
      ...datum.lossFnInputs,
      weights: (datum.lossFnInputs.weights ?? []).map((weight) => weight * options.coefficient),
    },
  }));
}
