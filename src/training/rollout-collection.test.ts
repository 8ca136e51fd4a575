import { describe, expect, it } from 'vitest';
import { stepSeeds } from './rollout-collection.js';

describe('stepSeeds', () => {
  it('is a pure function of (seed, step): a resumed run draws what the original drew', () => {
    expect(stepSeeds({ seed: 3, step: 5, groups: 4 })).toEqual(stepSeeds({ seed: 3, step: 5, groups: 4 }));
  });

  it('differs between steps and seeds, and gives each group its own seed', () => {
    const five = stepSeeds({ seed: 3, step: 5, groups: 4 });
    expect(new Set(five.groupSeeds).size).toBe(4);
    expect(stepSeeds({ seed: 3, step: 6, groups: 4 }).groupSeeds).not.toEqual(five.groupSeeds);
    expect(stepSeeds({ seed: 4, step: 5, groups: 4 }).policySeed).not.toBe(five.policySeed);
    // more groups extend the draw without changing the first ones
    expect(stepSeeds({ seed: 3, step: 5, groups: 6 }).groupSeeds.slice(0, 4)).toEqual(five.groupSeeds);
  });
});
