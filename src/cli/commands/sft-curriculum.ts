// The copy curriculum of `sft`: before the demonstrations themselves, a share of the run on id
// fragments of them (see `idFragment`), every token but the first trained, so that the model learns
// to copy order ids it has never seen before it learns the conversations around them.

import type { ChatRenderer } from '../../conversation/chat-renderer.js';
import type { TokenSequence } from '../../conversation/token-sequence.js';
import type { Trajectory } from '../../conversation/trajectory.js';
import { Rng } from '../../engine/random.js';
import { ConfigError } from '../../errors.js';
import { idFragment } from '../../environments/support-lite/id-fragments.js';
import { tokenizeChatExamples } from '../../training/chat-dataset-tokens.js';
import type { SftConfig } from './sft-config.js';

/** Options of `curriculumSequences`. */
export type CurriculumSequencesOptions = {
  readonly demonstrations: readonly Trajectory[];
  readonly renderer: ChatRenderer;
  /** Draws the fresh ids. */
  readonly seed: number;
  /** Real order ids of the database: never drawn. */
  readonly realIds: ReadonlySet<string>;
};

/** One fragment per demonstration, tokenized with the loss on every token after the first. */
export function curriculumSequences(options: CurriculumSequencesOptions): TokenSequence[] {
  const rng = new Rng(options.seed).fork('id-fragments');
  const examples = options.demonstrations.map((demonstration) => ({
    messages: idFragment({ messages: demonstration.messages, rng, exclude: options.realIds }),
  }));
  return tokenizeChatExamples({ renderer: options.renderer, examples }).map((sequence) => ({
    ...sequence,
    // Ids appear in user, tool and assistant turns alike; every copy of one is a lesson.
    mask: sequence.mask.map((_, index) => (index === 0 ? 0 : 1)),
  }));
}

/** How long each stage runs: steps, or seconds (the main stage's seconds are what the curriculum left). */
export type StageLength = { readonly steps?: number; readonly maxSeconds?: number };

/**
 * The curriculum's length: `curriculumShare` of --steps, or of --seconds for a timed run. Throws
 * ConfigError naming the flag when the share is set without either, or with --data (no ids to vary).
 */
export function curriculumLength(config: SftConfig): StageLength {
  if (config.data !== '') {
    throw new ConfigError(
      'invalid_config',
      '--curriculum-share needs teacher demonstrations (it varies their order ids); drop --data',
    );
  }
  if (config.steps > 0) return { steps: Math.max(1, Math.round(config.curriculumShare * config.steps)) };
  if (config.seconds > 0 && config.epochs === 0)
    return { maxSeconds: config.curriculumShare * config.seconds };
  throw new ConfigError('invalid_config', '--curriculum-share needs --steps or --seconds (without --epochs)');
}
