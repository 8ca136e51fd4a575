import { describe, expect, it } from 'vitest';
import { StepBudget } from './step-budget.js';

function clock(): { now: () => number; advance: (ms: number) => void } {
  let time = 0;
  return { now: () => time, advance: (ms) => (time += ms) };
}

describe('StepBudget', () => {
  it('takes exactly the fixed number of steps and ignores the clock', () => {
    const { now, advance } = clock();
    const budget = new StepBudget({ steps: 3, seconds: 0.001, warmupSteps: 1, now });
    advance(10_000);
    expect([1, 2, 3].map((done) => budget.shouldContinue(done))).toEqual([true, true, false]);
    expect(budget.plannedSteps).toBe(3);
    expect(budget.totalSteps).toBe(3);
  });

  it('plans a timed run from the step time after the first step and stops within budget', () => {
    const { now, advance } = clock();
    const budget = new StepBudget({ steps: 0, seconds: 1, warmupSteps: 5, now });
    advance(300); // first step, with compilation
    expect(budget.shouldContinue(1)).toBe(true);
    expect(budget.totalSteps).toBe(5);
    let done = 1;
    let more = true;
    while (more) {
      advance(100);
      done += 1;
      more = budget.shouldContinue(done);
    }
    expect(done).toBe(8); // 300 ms + 7 × 100 ms = the whole second
    expect(now()).toBeLessThanOrEqual(1000);
    expect(budget.plannedSteps).toBe(8);
  });

  it('stops after the first step when it alone used the budget', () => {
    const { now, advance } = clock();
    const budget = new StepBudget({ steps: 0, seconds: 1, warmupSteps: 5, now });
    advance(1500);
    expect(budget.shouldContinue(1)).toBe(false);
    expect(budget.totalSteps).toBe(5);
  });
});
