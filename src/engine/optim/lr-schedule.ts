// Learning-rate schedules: linear warmup, then constant, linear or cosine decay to a floor
// (cosine annealing of Loshchilov & Hutter 2017, "SGDR"; warmup and decay as in nanoGPT).

import { EngineError } from '../../errors.js';

/** How the learning rate decays after warmup. */
export type LrSchedule = 'constant' | 'cosine' | 'linear';

/** Options for `learningRateAt`. */
export type LearningRateOptions = {
  /** Zero-based index of the optimiser step about to be taken. */
  readonly step: number;
  /** Peak learning rate, reached at the end of warmup. */
  readonly baseLr: number;
  /** Steps of linear warmup; 0 for none. */
  readonly warmupSteps: number;
  /** Step at which decay reaches the floor; must be at least `warmupSteps`. */
  readonly totalSteps: number;
  /** Decay after warmup. */
  readonly schedule: LrSchedule;
  /** Floor as a fraction of `baseLr`, in [0, 1]; defaults to 0. Ignored by `constant`. */
  readonly minLrRatio?: number;
};

/**
 * The learning rate for zero-based `step`. Warmup: `baseLr · (step + 1) / warmupSteps` for
 * `step < warmupSteps`, so the first step is not wasted at 0 (nanoGPT). Then, with
 * `progress = (step − warmupSteps) / (totalSteps − warmupSteps)` clamped to [0, 1] and
 * `minLr = baseLr · minLrRatio`: constant keeps `baseLr`; linear gives `baseLr − progress · (baseLr − minLr)`;
 * cosine gives `minLr + ½ (1 + cos(π · progress)) (baseLr − minLr)`. From `totalSteps` on, decaying
 * schedules stay at `minLr`.
 */
export function learningRateAt(options: LearningRateOptions): number {
  const { step, baseLr, warmupSteps, totalSteps, schedule } = options;
  const minLrRatio = options.minLrRatio ?? 0;
  checkSchedule(options, minLrRatio);
  if (step < warmupSteps) return (baseLr * (step + 1)) / warmupSteps;
  if (schedule === 'constant') return baseLr;
  const minLr = baseLr * minLrRatio;
  const decaySteps = totalSteps - warmupSteps;
  const progress = decaySteps === 0 ? 1 : Math.min(1, (step - warmupSteps) / decaySteps);
  if (schedule === 'linear') return baseLr - progress * (baseLr - minLr);
  return minLr + 0.5 * (1 + Math.cos(Math.PI * progress)) * (baseLr - minLr);
}

function checkSchedule(options: LearningRateOptions, minLrRatio: number): void {
  const { step, baseLr, warmupSteps, totalSteps, schedule } = options;
  const fail = (message: string): never => {
    throw new EngineError('invalid_argument', `learningRateAt: ${message}`);
  };
  if (!Number.isInteger(step) || step < 0) fail(`step ${step} must be a non-negative integer.`);
  if (!(Number.isFinite(baseLr) && baseLr >= 0)) fail(`baseLr ${baseLr} must be finite and non-negative.`);
  if (!Number.isInteger(warmupSteps) || warmupSteps < 0)
    fail(`warmupSteps ${warmupSteps} must be a non-negative integer.`);
  if (!Number.isInteger(totalSteps) || totalSteps < warmupSteps) {
    fail(`totalSteps ${totalSteps} must be an integer no smaller than warmupSteps ${warmupSteps}.`);
  }
  if (!(minLrRatio >= 0 && minLrRatio <= 1)) fail(`minLrRatio ${minLrRatio} must be in [0, 1].`);
  if (schedule !== 'constant' && schedule !== 'cosine' && schedule !== 'linear') {
    fail(`unknown schedule ${JSON.stringify(schedule)}.`);
  }
}
