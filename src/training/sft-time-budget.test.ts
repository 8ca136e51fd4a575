import { describe, expect, it } from 'vitest';
import { SftStepPlan } from './sft-time-budget.js';

/** A clock the test moves by hand, in milliseconds. */
function clock(): { now: () => number; at: (ms: number) => void } {
  let time = 0;
  return { now: () => time, at: (ms) => (time = ms) };
}

describe('SFT step plan', () => {
  it('takes a fixed number of steps, and stops early once a time budget is spent', () => {
    const fixed = new SftStepPlan({ steps: 3, warmupSteps: 10 });
    expect([0, 1, 2, 3].map((done) => fixed.shouldContinue(done))).toEqual([true, true, true, false]);
    expect(fixed.totalSteps).toBe(3);
    const time = clock();
    const early = new SftStepPlan({ steps: 100, seconds: 5, warmupSteps: 0, now: time.now });
    expect(early.shouldContinue(0)).toBe(true);
    time.at(4000);
    expect(early.shouldContinue(1)).toBe(true);
    time.at(5000);
    expect(early.shouldContinue(2)).toBe(false);
    expect(early.totalSteps).toBe(100);
  });

  it('plans a timed run from the mean step time after the first (compiling) step', () => {
    const time = clock();
    const plan = new SftStepPlan({ seconds: 10, warmupSteps: 2, now: time.now });
    expect(plan.shouldContinue(0)).toBe(true);
    expect(plan.totalSteps).toBe(2); // nothing measured yet: the warmup
    time.at(2000); // the first step compiled for 2 s
    expect(plan.shouldContinue(1)).toBe(true);
    let done = 2;
    for (; ; done++) {
      time.at(2000 + 1000 * (done - 1)); // then 1 s per step
      if (!plan.shouldContinue(done)) break;
      expect(plan.totalSteps).toBe(9);
    }
    expect(done).toBe(9);
    expect(plan.totalSteps).toBe(9);
  });
});
