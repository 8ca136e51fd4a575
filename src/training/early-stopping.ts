// Early stopping on a plateau of evaluation success: stop once `patience` evaluations in a row have
// not beaten the best success rate so far (ties do not count as improvement).

/** What the trainer remembers between evaluations (saved with each checkpoint). */
export type EarlyStoppingState = {
  /** Best evaluation success rate so far and the step that reached it; null before any evaluation. */
  readonly best: { readonly step: number; readonly successRate: number } | null;
  readonly evalsWithoutImprovement: number;
};

/** The state of a run that has not evaluated yet. */
export const INITIAL_EARLY_STOPPING: EarlyStoppingState = { best: null, evalsWithoutImprovement: 0 };

/** The state after an evaluation at `step`, and whether it set a new best. */
export function observeEvaluation(
  state: EarlyStoppingState,
  evaluation: { readonly step: number; readonly successRate: number },
): { readonly state: EarlyStoppingState; readonly improved: boolean } {
  const improved = state.best === null || evaluation.successRate > state.best.successRate;
  return improved
    ? { state: { best: { ...evaluation }, evalsWithoutImprovement: 0 }, improved }
    : { state: { ...state, evalsWithoutImprovement: state.evalsWithoutImprovement + 1 }, improved };
}

/** True when `patience` (> 0) evaluations in a row brought no improvement; patience 0 never stops. */
export function shouldStopEarly(state: EarlyStoppingState, patience: number): boolean {
  return patience > 0 && state.evalsWithoutImprovement >= patience;
}
