// What `sft` trains on: a chat JSONL file, or demonstrations of the environment's scripted teacher
// (each labelled with its mistake), as token sequences.

import type { ChatRenderer } from '../../conversation/chat-renderer.js';
import type { Message } from '../../conversation/messages.js';
import type { TokenSequence } from '../../conversation/token-sequence.js';
import type { ToolDefinition } from '../../conversation/tool-definition.js';
import type { Trajectory } from '../../conversation/trajectory.js';
import type { RetailDatabase } from '../../environments/retail/retail-types.js';
import type { SupportLiteEnvironment } from '../../environments/support-lite/environment.js';
import { ConversationError } from '../../conversation/conversation-error.js';
import { generateDemonstrations } from '../../environments/support-lite/teacher-demonstrations.js';
import { readChatJsonl } from '../../training/chat-dataset.js';
import { tokenizeChatExamples } from '../../training/chat-dataset-tokens.js';
import { weighToolCopies } from '../../training/tool-copy-weights.js';
import type { SftConfig } from './sft-config.js';

/** The support-lite environment and the database it was built on. */
export type SupportLiteWorldData = {
  readonly environment: SupportLiteEnvironment;
  readonly database: RetailDatabase;
};

/** The training data, and a line that says what it is. */
export type SftData = {
  readonly sequences: readonly TokenSequence[];
  readonly description: string;
  /** The teacher's episodes (metadata.teacherMistake labels each), when the teacher made the data. */
  readonly demonstrations?: readonly Trajectory[];
};

/** Options of `loadSftData`. */
export type LoadSftDataOptions = {
  readonly config: SftConfig;
  readonly renderer: ChatRenderer;
  /** Needed for teacher demonstrations (no --data). */
  readonly world: SupportLiteWorldData | undefined;
  /** Writes the tools section of the system prompt, as the policy agent will see it. */
  readonly formatTools: (tools: readonly ToolDefinition[]) => string;
  /**
   * Most tokens a sequence may have (context + 1): teacher demonstrations longer than this are left
   * out and counted (they are drawn, not given; a --data file's are refused by the caller).
   */
  readonly maxTokens: number;
};

/** Reads `--data`, or generates `--demos` teacher demonstrations on the train split. */
export async function loadSftData(options: LoadSftDataOptions): Promise<SftData> {
  const { config, renderer, world } = options;
  let copied = 0;
  const weighCopies = (sequences: readonly TokenSequence[], messages: readonly (readonly Message[])[]) =>
    sequences.map((sequence, index) => {
      const weighted = weighToolCopies(sequence, messages[index], renderer.tokenizer, config.toolCopyWeight);
      copied += weighted.mask.filter((weight, at) => weight !== sequence.mask[at]).length;
      return weighted;
    });
  const copies = () =>
    config.toolCopyWeight === 1
      ? ''
      : `; ${copied.toLocaleString('en-US')} tokens copied from tool results weigh ${config.toolCopyWeight}`;
  if (config.data !== '') {
    const examples = await readChatJsonl({ path: config.data });
    return {
      sequences: weighCopies(
        tokenizeChatExamples({ renderer, examples, formatTools: options.formatTools }),
        examples.map((example) => example.messages),
      ),
      description: `${examples.length.toLocaleString('en-US')} conversations from ${config.data}${copies()}`,
    };
  }
  if (world === undefined) throw new Error('teacher demonstrations need the support-lite environment');
  const demonstrations = await generateDemonstrations({
    environment: world.environment,
    database: world.database,
    split: 'train',
    count: config.demos,
    seed: config.seed,
    mistakeRate: config.mistakeRate,
    mistakePattern: config.mistakePattern,
  });
  const tokenized = tokenizeChatExamples({
    renderer,
    // The tools as the policy agent shows them, so the demonstrations render as its own conversations.
    examples: demonstrations.map((demonstration) => ({
      messages: demonstration.trajectory.messages,
      tools: world.environment.tools,
    })),
    formatTools: options.formatTools,
  });
  const fits = tokenized.map((sequence) => sequence.tokens.length <= options.maxTokens);
  const kept = demonstrations.filter((_, index) => fits[index]);
  if (kept.length === 0) {
    const shortest = Math.min(...tokenized.map((sequence) => sequence.tokens.length));
    throw new ConversationError(
      'sequence_too_long',
      `none of the ${demonstrations.length} teacher demonstrations fits the model: the shortest has ${shortest} tokens, ` +
        `the model takes at most ${options.maxTokens} (context + 1). Raise --context.`,
    );
  }
  const mistakes = kept.filter((demonstration) => demonstration.mistake !== undefined).length;
  const leftOut = demonstrations.length - kept.length;
  return {
    sequences: weighCopies(
      tokenized.filter((_, index) => fits[index]),
      kept.map((demonstration) => demonstration.trajectory.messages),
    ),
    description:
      `${kept.length.toLocaleString('en-US')} ${config.env} teacher demonstrations ` +
      `(train split, ${mistakes} with a mistake, ${config.mistakePattern} rate ${config.mistakeRate}` +
      `${leftOut > 0 ? `; ${leftOut} longer than the context left out` : ''})${copies()}`,
    demonstrations: kept.map((demonstration) => demonstration.trajectory),
  };
}
