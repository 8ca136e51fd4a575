// Length and brevity: each assistant reply's length against a target, with a smooth Gaussian
// penalty, exp(−(d / scale)²), that is flat at the target and has no kink for the optimiser.

import { RewardError } from '../errors.js';
import { defineReward } from './define-reward.js';
import type { RewardFunction } from './reward-function.js';
import { assistantMessages } from './trajectory-views.js';

/** 'at_most' penalises only replies longer than the target (brevity); 'around' penalises both sides. */
export type LengthMode = 'at_most' | 'around';

/** How the penalty is shaped. */
export type LengthShape = {
  /** Target length, > 0. */
  readonly target: number;
  /** Distance from the target at which a reply scores exp(−1) ≈ 0.37, > 0. */
  readonly scale: number;
  readonly mode: LengthMode;
};

/** Options of `lengthPenalty`. */
export type LengthPenaltyOptions = {
  /** Reward name; defaults to 'length'. */
  readonly name?: string;
  readonly target: number;
  /** Defaults to half the target. */
  readonly scale?: number;
  /** Defaults to 'at_most'. */
  readonly mode?: LengthMode;
  /** 'characters' (default) of the content, or 'tokens' the policy generated for the turn. */
  readonly unit?: 'characters' | 'tokens';
  /** Token count for turns without a token record (text-only agents); without it such turns throw. */
  readonly countTokens?: (text: string) => number;
};

/** exp(−(d / scale)²) with d the excess over the target ('at_most') or the distance to it ('around'). */
export function lengthScore(length: number, shape: LengthShape): number {
  const distance =
    shape.mode === 'at_most' ? Math.max(0, length - shape.target) : Math.abs(length - shape.target);
  return Math.exp(-((distance / shape.scale) ** 2));
}

/**
 * Mean `lengthScore` over assistant replies with text (tool-call-only turns are not replies);
 * `undefined` when there are none. Throws RewardError('invalid_argument') for a bad target or scale.
 */
export function lengthPenalty<TState = unknown>(options: LengthPenaltyOptions): RewardFunction<TState> {
  const shape: LengthShape = {
    target: options.target,
    scale: options.scale ?? options.target / 2,
    mode: options.mode ?? 'at_most',
  };
  const unit = options.unit ?? 'characters';
  if (!(shape.target > 0) || !(shape.scale > 0) || !Number.isFinite(shape.target + shape.scale)) {
    throw new RewardError(
      'invalid_argument',
      `length target and scale must be finite and > 0, got ${shape.target}, ${shape.scale}`,
    );
  }
  if (shape.mode !== 'at_most' && shape.mode !== 'around') {
    throw new RewardError(
      'invalid_argument',
      `length mode must be 'at_most' or 'around', got ${String(shape.mode)}`,
    );
  }
  const name = options.name ?? 'length';
  return defineReward<TState>({
    name,
    score({ trajectory }) {
      const replies = assistantMessages(trajectory).filter(({ message }) => message.content.trim() !== '');
      if (replies.length === 0) return undefined;
      const lengths = replies.map(({ message, messageIndex }) => {
        if (unit === 'characters') return [...message.content].length;
        const tokens = trajectory.turns.find((turn) => turn.messageIndex === messageIndex)?.tokens;
        if (tokens !== undefined) return tokens.completion.length;
        if (options.countTokens !== undefined) return options.countTokens(message.content);
        throw new RewardError(
          'invalid_argument',
          `reward "${name}": message ${messageIndex} has no token record; pass countTokens or use unit 'characters'`,
        );
      });
      return lengths.reduce((sum, length) => sum + lengthScore(length, shape), 0) / lengths.length;
    },
  });
}
