// How many steps an SFT run takes: a fixed count, or as many as fit a wall-clock budget, re-estimated
// after every step from the mean step time so that a decaying schedule reaches its floor on time.

/** Options of `SftStepPlan`. */
export type SftStepPlanOptions = {
  /** A fixed number of steps; absent: as many as fit `seconds`. */
  readonly steps?: number;
  /** Wall-clock budget counted from construction; with `steps`, an early stop after the step that reaches it. */
  readonly seconds?: number;
  /** A timed schedule is never planned shorter than this. */
  readonly warmupSteps: number;
  /** Clock in milliseconds; default `performance.now`. */
  readonly now?: () => number;
};

/** Decides whether another step follows, and the length the learning-rate schedule decays over. */
export class SftStepPlan {
  private readonly started: number;
  private readonly now: () => number;
  private firstStepEnd: number | undefined;
  private estimate: number | undefined;

  constructor(private readonly options: SftStepPlanOptions) {
    this.now = options.now ?? (() => performance.now());
    this.started = this.now();
  }

  /** The schedule length: the fixed steps, or the current estimate of the steps that fit the budget (at least the warmup). */
  get totalSteps(): number {
    if (this.options.steps !== undefined) return this.options.steps;
    return Math.max(this.estimate ?? 0, this.options.warmupSteps, 1);
  }

  /**
   * True when a step should follow the `done` steps taken so far; call once before every step. A
   * timed plan measures steps from the end of the first (which compiles the graphs) and stops when
   * less than one mean step of time is left.
   */
  shouldContinue(done: number): boolean {
    const { steps, seconds } = this.options;
    const at = this.now();
    const deadline = seconds === undefined ? Number.POSITIVE_INFINITY : this.started + seconds * 1000;
    if (steps !== undefined) return done < steps && (done === 0 || at < deadline);
    if (done === 0) return true;
    if (this.firstStepEnd === undefined) {
      this.firstStepEnd = at;
      return at < deadline;
    }
    const stepMs = Math.max((at - this.firstStepEnd) / (done - 1), 1e-3);
    this.estimate = done + Math.max(0, Math.floor((deadline - at) / stepMs));
    return done < this.estimate;
  }
}
