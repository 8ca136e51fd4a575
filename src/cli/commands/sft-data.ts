// What `sft` trains on: a chat JSONL file, or demonstrations of the environment's scripted teacher
// (each labelled with its mistake), as token sequences.

import type { ChatRenderer } from '../../conversation/chat-renderer.js';
import type { Message } from '../../conversation/messages.js';
import type { TokenSequence } from '../../conversation/token-sequence.js';
import type { ToolDefinition } from '../../conversation/tool-definition.js';
import type { Trajectory } from '../../conversation/trajectory.js';
import type { RetailDatabase } from '../../environments/retail/retail-types.js';
import type { SupportLiteEnvironment } from '../../environments/support-lite/environment.js';
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
  const mistakes = demonstrations.filter((demonstration) => demonstration.mistake !== undefined).length;
  return {
    sequences: weighCopies(
      tokenizeChatExamples({
        renderer,
        // The tools as the policy agent shows them, so the demonstrations render as its own conversations.
        examples: demonstrations.map((demonstration) => ({
          messages: demonstration.trajectory.messages,
          tools: world.environment.tools,
        })),
        formatTools: options.formatTools,
      }),
      demonstrations.map((demonstration) => demonstration.trajectory.messages),
    ),
    description:
      `${demonstrations.length.toLocaleString('en-US')} ${config.env} teacher demonstrations ` +
      `(train split, ${mistakes} with a mistake, ${config.mistakePattern} rate ${config.mistakeRate})${copies()}`,
    demonstrations: demonstrations.map((demonstration) => demonstration.trajectory),
  };
}
