// Supervised fine-tuning through the backend primitives: masked next-token cross-entropy on
// assistant (or policy) tokens, AdamW with warmup and decay (nanoGPT's recipe), one optimiser
// step per batch. Warm starts for RL, and the inner loop of rejection-sampling fine-tuning.

import type { TrainingBackend } from '../backends/training-backend.js';
import { ConversationError } from '../conversation/conversation-error.js';
import type { TokenSequence } from '../conversation/token-sequence.js';
import { trajectorySequences } from '../conversation/trajectory-datum.js';
import type { Trajectory } from '../conversation/trajectory.js';
import { learningRateAt, type LrSchedule } from '../engine/optim/lr-schedule.js';
import { SftBatchStream, sftBatchDatums, trainedTokens } from './sft-batches.js';
import { SftStepPlan } from './sft-time-budget.js';

/** Metric names of an SFT step, as written to metrics JSONL. */
export const SFT_METRICS = {
  loss: 'loss/sft',
  learningRate: 'optim/lr',
  gradNorm: 'optim/grad_norm',
  tokensPerSecond: 'perf/tokens_per_second',
  trainedTokens: 'sft/trained_tokens',
  epoch: 'sft/epoch',
  /** 1 on steps of a copy curriculum before the demonstrations, 0 on the demonstrations. */
  curriculum: 'sft/curriculum',
} as const;

/** What one SFT step did. */
export type SftStep = {
  /** 1-based optimiser step. */
  readonly step: number;
  /** Mean negative log-likelihood per trained token of the batch (nats), before the update. */
  readonly loss: number;
  readonly learningRate: number;
  /** Global gradient norm before clipping. */
  readonly gradNorm: number;
  /** All tokens of the batch (prompt and trained), and the trained ones. */
  readonly tokens: number;
  readonly trainedTokens: number;
  /** Tokens of the batch per second of this step (forward, backward and update). */
  readonly tokensPerSecond: number;
  /** The epoch this batch belongs to (1-based; a batch across a boundary counts as the later one). */
  readonly epoch: number;
  /** Seconds since the run started. */
  readonly seconds: number;
};

/** Options of `runSft`. */
export type SftOptions = {
  readonly backend: TrainingBackend;
  /** Token sequences with loss masks (see `tokenizeChatExamples`, `trajectorySftSequences`). */
  readonly sequences: readonly TokenSequence[];
  /** Optimiser steps; when absent, `epochs` passes over the data (rounded up to whole batches). */
  readonly steps?: number;
  /**
   * Passes over the data when `steps` is absent. Default 1, unless `maxSeconds` is given: then the run
   * takes as many steps as fit the time and the schedule decays over them (see `SftStepPlan`).
   */
  readonly epochs?: number;
  /** Sequences per step; default 8. */
  readonly batchSize?: number;
  /** Peak learning rate; default 1e-3. */
  readonly learningRate?: number;
  /** Linear warmup steps; default min(10, a tenth of the steps), or 10 for a timed run. */
  readonly warmupSteps?: number;
  /** Decay after warmup; default 'cosine'. */
  readonly schedule?: LrSchedule;
  /** Floor of the decay as a fraction of the peak; default 0.1. */
  readonly minLrRatio?: number;
  /** AdamW decoupled weight decay; default 0. */
  readonly weightDecay?: number;
  /** Global gradient-norm clip; default 1. */
  readonly gradClipNorm?: number;
  /** Seeds the order of the examples; default 0. */
  readonly seed?: number;
  /** Longest sequence the model takes (its context + 1 tokens); longer sequences are an error. */
  readonly maxSequenceTokens?: number;
  /**
   * Wall-clock budget. Alone, it sizes the run (the schedule decays to its floor at the deadline);
   * with `steps` or `epochs`, it stops the run early after the step that reaches it, the schedule unchanged.
   */
  readonly maxSeconds?: number;
  /** Called after every step; awaited. */
  readonly onStep?: (step: SftStep) => void | PromiseLike<void>;
  /** Stops after the current step when aborted. */
  readonly signal?: AbortSignal;
};

/** What a run did. */
export type SftResult = {
  readonly steps: readonly SftStep[];
  readonly seconds: number;
  /** Steps the schedule was planned for at the end (more than `steps.length` when stopped early). */
  readonly plannedSteps: number;
  /** Sequences left out because no token of theirs has mask 1. */
  readonly skippedSequences: number;
};

/** Trains on `sequences` with the masked cross-entropy, one optimiser step per batch. */
export async function runSft(options: SftOptions): Promise<SftResult> {
  const { backend } = options;
  checkSftSequences(options.sequences, options.maxSequenceTokens);
  // Sequences with nothing to train on (every assistant turn weighted 0) would only cost time.
  const sequences = options.sequences.filter((sequence) => trainedTokens(sequence) > 0);
  const batchSize = options.batchSize ?? 8;
  const stream = new SftBatchStream(sequences.length, batchSize, options.seed ?? 0);
  const timed =
    options.steps === undefined && options.epochs === undefined && options.maxSeconds !== undefined;
  const fixedSteps = timed
    ? undefined
    : (options.steps ?? Math.ceil(((options.epochs ?? 1) * sequences.length) / stream.batchSize));
  if (fixedSteps !== undefined && (!Number.isInteger(fixedSteps) || fixedSteps < 1)) {
    throw new ConversationError('invalid_argument', `SFT needs at least one step, got ${fixedSteps}.`);
  }
  const warmupSteps =
    options.warmupSteps ?? (fixedSteps === undefined ? 10 : Math.min(10, Math.floor(fixedSteps / 10)));
  const plan = new SftStepPlan({ steps: fixedSteps, seconds: options.maxSeconds, warmupSteps });
  const started = performance.now();
  const steps: SftStep[] = [];
  while (plan.shouldContinue(steps.length)) {
    const stepStarted = performance.now();
    const batch = stream.next().map((index) => sequences[index]);
    const learningRate = learningRateAt({
      step: steps.length,
      baseLr: options.learningRate ?? 1e-3,
      warmupSteps: Math.min(warmupSteps, plan.totalSteps),
      totalSteps: plan.totalSteps,
      schedule: options.schedule ?? 'cosine',
      minLrRatio: options.minLrRatio ?? 0.1,
    });
    const result = await backend.forwardBackward(sftBatchDatums(batch), 'cross_entropy');
    const optim = await backend.optimStep({
      learningRate,
      weightDecay: options.weightDecay ?? 0,
      gradClipNorm: options.gradClipNorm ?? 1,
    });
    const now = performance.now();
    const tokens = batch.reduce((sum, sequence) => sum + sequence.tokens.length - 1, 0);
    const step: SftStep = {
      step: steps.length + 1,
      loss: result.metrics['loss:sum'],
      learningRate,
      gradNorm: optim.gradNorm,
      tokens,
      trainedTokens: batch.reduce((sum, sequence) => sum + trainedTokens(sequence), 0),
      tokensPerSecond: tokens / Math.max((now - stepStarted) / 1000, 1e-9),
      epoch: stream.epoch,
      seconds: (now - started) / 1000,
    };
    steps.push(step);
    await options.onStep?.(step);
    if (options.signal?.aborted === true) break;
  }
  return {
    steps,
    seconds: (performance.now() - started) / 1000,
    plannedSteps: Math.max(plan.totalSteps, steps.length),
    skippedSequences: options.sequences.length - sequences.length,
  };
}

/**
 * The token streams of trajectories for SFT on their exact tokens: each token-level turn's prompt
 * (mask 0) and the completion the policy sampled (mask 1), as `trajectorySequences` builds them.
 * Throws ConversationError('invalid_trajectory') for a trajectory with no token-level turns.
 */
export function trajectorySftSequences(trajectories: readonly Trajectory[]): TokenSequence[] {
  return trajectories.flatMap((trajectory) => {
    const sequences = trajectorySequences(trajectory);
    if (sequences.length === 0) {
      throw new ConversationError(
        'invalid_trajectory',
        `Trajectory ${trajectory.id} has no token-level turns; render its messages with tokenizeChatExamples instead.`,
      );
    }
    return sequences;
  });
}

/**
 * Throws ConversationError naming the first sequence that is too short ('invalid_argument') or longer
 * than `maxTokens` ('sequence_too_long'), and when no token at all has mask 1; `runSft` calls it first.
 */
export function checkSftSequences(sequences: readonly TokenSequence[], maxTokens?: number): void {
  if (sequences.length === 0)
    throw new ConversationError('invalid_argument', 'SFT needs at least one sequence.');
  sequences.forEach((sequence, index) => {
    if (sequence.tokens.length < 2) {
      throw new ConversationError(
        'invalid_argument',
        `sequence ${index} has ${sequence.tokens.length} tokens; SFT needs at least 2.`,
      );
    }
    if (maxTokens !== undefined && sequence.tokens.length > maxTokens) {
      throw new ConversationError(
        'sequence_too_long',
        `sequence ${index} has ${sequence.tokens.length} tokens; the model takes at most ${maxTokens} (context + 1). Raise the context length or shorten the data.`,
      );
    }
  });
  if (!sequences.some((sequence) => trainedTokens(sequence) > 0))
    throw new ConversationError('invalid_argument', 'No sequence has a token with mask 1 to train on.');
}
