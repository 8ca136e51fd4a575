// A trajectory's token streams (the concatenation of each turn's prompt and completion) with their
// loss masks and sampling logprobs, and the training Datums built from them.

import type { Datum } from '../backends/training-backend.js';
import { ConversationError } from './conversation-error.js';
import { sequenceToDatum, type TokenSequence } from './token-sequence.js';
import type { Trajectory } from './trajectory.js';

/** Options of `trajectoryToDatum(s)`. */
export type TrajectoryDatumOptions = {
  /**
   * Advantage of the sampled tokens: one number for all of them (GRPO), or one per entry of
   * `trajectory.turns` (per-turn credit). Prompt tokens get 0. Absent: no `advantages` field.
   */
  readonly advantages?: number | readonly number[];
};

/**
 * The token streams of a trajectory: each turn with tokens appends its prompt (mask 0, logprob 0)
 * and its completion (mask 1, the sampling logprobs); a turn marked `newSequence` starts a new
 * stream. Turns without tokens are skipped: the next token-level turn's prompt renders their messages.
 * Throws ConversationError('invalid_trajectory') when a turn's logprobs do not match its completion.
 */
export function trajectorySequences(trajectory: Trajectory): TokenSequence[] {
  const sequences: { tokens: number[]; mask: number[]; logprobs: number[]; turnIndex: number[] }[] = [];
  trajectory.turns.forEach((turn, index) => {
    const tokens = turn.tokens;
    if (tokens === undefined) return;
    if (tokens.logprobs.length !== tokens.completion.length) {
      throw new ConversationError(
        'invalid_trajectory',
        `Trajectory ${trajectory.id} turn ${index}: ${tokens.logprobs.length} logprobs for ${tokens.completion.length} completion tokens.`,
      );
    }
    if (sequences.length === 0 || tokens.newSequence === true) {
      sequences.push({ tokens: [], mask: [], logprobs: [], turnIndex: [] });
    }
    const sequence = sequences[sequences.length - 1];
    for (const token of tokens.prompt) {
      sequence.tokens.push(token);
      sequence.mask.push(0);
      sequence.logprobs.push(0);
      sequence.turnIndex.push(index);
    }
    tokens.completion.forEach((token, i) => {
      sequence.tokens.push(token);
      sequence.mask.push(1);
      sequence.logprobs.push(tokens.logprobs[i]);
      sequence.turnIndex.push(index);
    });
  });
  return sequences;
}

/** One Datum per token stream of the trajectory (see `trajectorySequences` and `sequenceToDatum`). */
export function trajectoryToDatums(trajectory: Trajectory, options: TrajectoryDatumOptions = {}): Datum[] {
  const perTurn = turnAdvantages(trajectory, options.advantages);
  return trajectorySequences(trajectory).map((sequence) => {
    const advantages =
      perTurn === undefined
        ? undefined
        : sequence.mask.map((masked, i) => (masked === 1 ? perTurn[sequence.turnIndex[i]] : 0));
    return sequenceToDatum(sequence, { advantages });
  });
}

/**
 * The Datum of a trajectory whose turns form one token stream: modelInput = tokens[:-1],
 * targetTokens = tokens[1:], weights = mask[1:], logprobs = sampling logprobs[1:]. Throws
 * ConversationError('invalid_trajectory') when it has no token-level turns or several streams.
 */
export function trajectoryToDatum(trajectory: Trajectory, options: TrajectoryDatumOptions = {}): Datum {
  const datums = trajectoryToDatums(trajectory, options);
  if (datums.length !== 1) {
    throw new ConversationError(
      'invalid_trajectory',
      datums.length === 0
        ? `Trajectory ${trajectory.id} has no token-level turns to train on.`
        : `Trajectory ${trajectory.id} has ${datums.length} token streams; use trajectoryToDatums.`,
    );
  }
  return datums[0];
}

function turnAdvantages(
  trajectory: Trajectory,
  advantages: number | readonly number[] | undefined,
): readonly number[] | undefined {
  if (advantages === undefined) return undefined;
  const values = typeof advantages === 'number' ? trajectory.turns.map(() => advantages) : advantages;
  if (values.length !== trajectory.turns.length) {
    throw new ConversationError(
      'invalid_argument',
      `${values.length} advantages for the ${trajectory.turns.length} turns of trajectory ${trajectory.id}.`,
    );
  }
  const bad = values.findIndex((value) => !Number.isFinite(value));
  if (bad >= 0) throw new ConversationError('invalid_argument', `advantages[${bad}] is ${values[bad]}.`);
  return values;
}
