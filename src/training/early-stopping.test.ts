import { describe, expect, it } from 'vitest';
import { INITIAL_EARLY_STOPPING, observeEvaluation, shouldStopEarly } from './early-stopping.js';

describe('early stopping', () => {
  it('counts evaluations since the best success rate and stops after `patience` of them', () => {
    let state = INITIAL_EARLY_STOPPING;
    const improvements: boolean[] = [];
    for (const [step, successRate] of [
      [0, 0.1],
      [10, 0.3],
      [20, 0.3], // a tie is not an improvement
      [30, 0.2],
    ] as const) {
      const observed = observeEvaluation(state, { step, successRate });
      improvements.push(observed.improved);
      state = observed.state;
    }
    expect(improvements).toEqual([true, true, false, false]);
    expect(state).toEqual({ best: { step: 10, successRate: 0.3 }, evalsWithoutImprovement: 2 });
    expect(shouldStopEarly(state, 2)).toBe(true);
    expect(shouldStopEarly(state, 3)).toBe(false);
  });

  it('never stops with patience 0, and a new best resets the count', () => {
    const stale = { best: { step: 1, successRate: 0.5 }, evalsWithoutImprovement: 9 };
    expect(shouldStopEarly(stale, 0)).toBe(false);
    expect(observeEvaluation(stale, { step: 2, successRate: 0.6 }).state.evalsWithoutImprovement).toBe(0);
  });
});
