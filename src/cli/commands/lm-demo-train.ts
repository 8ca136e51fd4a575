// The lm-demo's training loop: next-token cross-entropy on the demo corpus with AdamW, linear
// warmup then cosine decay (nanoGPT's recipe), global grad-norm clipping, and live progress.

import type { TrainingBackend } from '../../backends/training-backend.js';
import { learningRateAt } from '../../engine/optim/lr-schedule.js';
import type { Rng } from '../../engine/random.js';
import { windowDatums } from '../corpus-batches.js';
import type { ProgressDisplay } from '../progress-display.js';
import { StepBudget } from '../step-budget.js';

/** The most warmup steps; short fixed runs warm up for a tenth of their steps. */
export const MAX_WARMUP_STEPS = 10;
/** Cosine decay ends at this fraction of the peak learning rate. */
export const MIN_LR_RATIO = 0.1;
/** Global gradient-norm clip. */
export const GRAD_CLIP_NORM = 1.0;

/** Options of `trainOnCorpus`. */
export type CorpusTrainingOptions = {
  readonly backend: TrainingBackend;
  readonly tokens: readonly number[];
  /** Optimiser steps; 0 trains until `seconds` have passed. */
  readonly steps: number;
  readonly seconds: number;
  readonly batchSize: number;
  /** Positions per sequence (the model context). */
  readonly length: number;
  readonly learningRate: number;
  /** Draws the batches. */
  readonly rng: Rng;
  readonly display: ProgressDisplay;
};

/** What a training run did. */
export type CorpusTrainingSummary = {
  /** Mean loss per token (nats) of each step's batch, before that step's update. */
  readonly losses: readonly number[];
  readonly tokens: number;
  readonly seconds: number;
};

/** Trains until the step count or time budget is spent, updating `display` after every step. */
export async function trainOnCorpus(options: CorpusTrainingOptions): Promise<CorpusTrainingSummary> {
  const { backend, display } = options;
  const warmupSteps =
    options.steps > 0
      ? Math.max(1, Math.min(MAX_WARMUP_STEPS, Math.floor(options.steps / 10)))
      : MAX_WARMUP_STEPS;
  const started = performance.now();
  const budget = new StepBudget({ steps: options.steps, seconds: options.seconds, warmupSteps });
  const losses: number[] = [];
  let tokens = 0;
  let more = true;
  while (more) {
    const stepStart = performance.now();
    const step = losses.length;
    const datums = windowDatums({ ...options, tokens: options.tokens });
    const lr = learningRateAt({
      step,
      baseLr: options.learningRate,
      warmupSteps,
      totalSteps: budget.totalSteps,
      schedule: 'cosine',
      minLrRatio: MIN_LR_RATIO,
    });
    const result = await backend.forwardBackward(datums, 'cross_entropy');
    await backend.optimStep({ learningRate: lr, weightDecay: 0.1, gradClipNorm: GRAD_CLIP_NORM });
    const loss = result.metrics['loss:sum'];
    losses.push(loss);
    const stepTokens = datums.reduce((sum, datum) => sum + datum.modelInput.length, 0);
    tokens += stepTokens;
    const now = performance.now();
    const rate = Math.round(stepTokens / ((now - stepStart) / 1000));
    more = budget.shouldContinue(losses.length);
    const planned = more ? budget.plannedSteps : losses.length;
    display.update(
      `step ${losses.length}${planned === undefined ? '' : `/${planned}`}` +
        `  loss ${loss.toFixed(3)}  lr ${lr.toExponential(1)}  ${rate.toLocaleString('en-US')} tok/s` +
        `  ${((now - started) / 1000).toFixed(1)}s`,
      step === 0 || !more,
    );
  }
  display.finish();
  return { losses, tokens, seconds: (performance.now() - started) / 1000 };
}
