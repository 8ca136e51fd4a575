// How many optimiser steps a run takes: a fixed count (reproducible), or as many as fit a wall-clock
// budget, re-estimated after every step from the mean step time so a cosine schedule ends on time.

/** Options of `StepBudget`. */
export type StepBudgetOptions = {
  /** A fixed number of steps; 0 means run for `seconds`. */
  readonly steps: number;
  /** Wall-clock budget for training, counted from construction; used when `steps` is 0. */
  readonly seconds: number;
  /** Warmup steps of the schedule; `totalSteps` is never below it. */
  readonly warmupSteps: number;
  /** Clock in milliseconds; defaults to `performance.now`. */
  readonly now?: () => number;
};

/** Decides whether to take another step, and the step count a learning-rate schedule should decay over. */
export class StepBudget {
  private readonly fixedSteps: number;
  private readonly deadline: number;
  private readonly warmupSteps: number;
  private readonly now: () => number;
  private firstStepEnd: number | undefined;
  private estimate: number | undefined;

  constructor(options: StepBudgetOptions) {
    this.now = options.now ?? (() => performance.now());
    this.fixedSteps = options.steps;
    this.deadline = this.now() + options.seconds * 1000;
    this.warmupSteps = options.warmupSteps;
  }

  /** The steps the run expects to take: the fixed count, or the timed estimate after two steps. */
  get plannedSteps(): number | undefined {
    return this.fixedSteps > 0 ? this.fixedSteps : this.estimate;
  }

  /** The schedule length: the planned steps, never below the warmup. */
  get totalSteps(): number {
    return Math.max(this.plannedSteps ?? this.warmupSteps, this.warmupSteps);
  }

  /**
   * True when another step should follow the `done` steps finished so far; call once per step. A
   * timed run times every step after the first (which compiles the graph) and stops when the time
   * left is less than one mean step.
   */
  shouldContinue(done: number): boolean {
    if (this.fixedSteps > 0) return done < this.fixedSteps;
    const at = this.now();
    if (this.firstStepEnd === undefined) {
      this.firstStepEnd = at;
      return at < this.deadline;
    }
    const stepMs = Math.max((at - this.firstStepEnd) / (done - 1), 1e-3);
    this.estimate = done + Math.max(0, Math.floor((this.deadline - at) / stepMs));
    return done < this.estimate;
  }
}
