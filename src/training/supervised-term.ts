// The supervised term of an RL update (PPO-ptx, Ouyang et al. 2022): a batch of chat conversations
// whose assistant tokens add their cross-entropy, weighed γ, to the policy loss of every update, so
// that what SFT taught (copying ids and facts from tool results) is kept while RL changes decisions.

import type { Datum } from '../backends/training-backend.js';
import type { ChatRenderer } from '../conversation/chat-renderer.js';
import { ConversationError } from '../conversation/conversation-error.js';
import type { TokenSequence } from '../conversation/token-sequence.js';
import type { ToolDefinition } from '../conversation/tool-definition.js';
import { Rng } from '../engine/random.js';
import { readChatJsonl } from './chat-dataset.js';
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
