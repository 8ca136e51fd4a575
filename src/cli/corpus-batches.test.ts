import { describe, expect, it } from 'vitest';
import { Rng } from '../engine/random.js';
import { windowDatums } from './corpus-batches.js';

const tokens = Array.from({ length: 50 }, (_, i) => i);

describe('windowDatums', () => {
  it('draws windows whose targets are the inputs shifted by one, weighted to a mean', () => {
    const datums = windowDatums({ tokens, batchSize: 4, length: 8, rng: new Rng(3) });
    expect(datums).toHaveLength(4);
    for (const datum of datums) {
      const start = datum.modelInput[0];
      expect(datum.modelInput).toEqual(tokens.slice(start, start + 8));
      expect(datum.lossFnInputs.targetTokens).toEqual(tokens.slice(start + 1, start + 9));
    }
    const weightSum = datums.flatMap((datum) => datum.lossFnInputs.weights ?? []).reduce((a, b) => a + b, 0);
    expect(weightSum).toBeCloseTo(1, 12);
  });

  it('is the same for the same seed and shortens windows to fit a short corpus', () => {
    const draw = () => windowDatums({ tokens, batchSize: 3, length: 8, rng: new Rng(9) });
    expect(draw()).toEqual(draw());
    const short = windowDatums({ tokens: [1, 2, 3], batchSize: 2, length: 8, rng: new Rng(1) });
    expect(short[0]).toEqual({
      modelInput: [1, 2],
      lossFnInputs: { targetTokens: [2, 3], weights: [0.25, 0.25] },
    });
  });
});
