import { describe, expect, it } from 'vitest';
import { Rng } from '../engine/random.js';
import { chooseToken, logSoftmaxRow, truncatedCandidates, type ChoiceOptions } from './token-choice.js';

/** Float64 arithmetic on four-element rows. */
const EXACT_TOLERANCE = 1e-12;

/** Observed frequency against probability over DRAWS draws: the standard deviation is at most 0.0035. */
const FREQUENCY_TOLERANCE = 0.015;
const DRAWS = 20_000;

// A distribution over four tokens; most probable first: 1 (0.4), 3 (0.3), 2 (0.2), 0 (0.1).
const P = [0.1, 0.4, 0.2, 0.3];
const LOGPROBS = Float64Array.from(P, Math.log);

function frequencies(logits: Float64Array, options: ChoiceOptions, seed: number): number[] {
  const rng = new Rng(seed);
  const counts = new Array<number>(logits.length).fill(0);
  for (let i = 0; i < DRAWS; i++) counts[chooseToken(logits, options, rng).token]++;
  return counts.map((c) => c / DRAWS);
}

function expectFrequencies(actual: readonly number[], expected: readonly number[]): void {
  expected.forEach((p, i) =>
    expect(Math.abs(actual[i] - p), `token ${i}: frequency ${actual[i]}, probability ${p}`).toBeLessThan(
      FREQUENCY_TOLERANCE,
    ),
  );
}

describe('truncatedCandidates', () => {
  it('keeps every id, in id order, when neither limit applies', () => {
    expect(truncatedCandidates(LOGPROBS, 0, 1)).toEqual([0, 1, 2, 3]);
    expect(truncatedCandidates(LOGPROBS, 4, 1)).toEqual([0, 1, 2, 3]);
  });

  it('top-k keeps the k most probable, most probable first', () => {
    expect(truncatedCandidates(LOGPROBS, 1, 1)).toEqual([1]);
    expect(truncatedCandidates(LOGPROBS, 2, 1)).toEqual([1, 3]);
    expect(truncatedCandidates(LOGPROBS, 3, 1)).toEqual([1, 3, 2]);
  });

  it('top-p keeps the smallest most-probable set whose mass reaches p', () => {
    expect(truncatedCandidates(LOGPROBS, 0, 0.3)).toEqual([1]); // 0.4 ≥ 0.3
    expect(truncatedCandidates(LOGPROBS, 0, 0.65)).toEqual([1, 3]); // 0.4 + 0.3 ≥ 0.65
    expect(truncatedCandidates(LOGPROBS, 0, 0.75)).toEqual([1, 3, 2]); // 0.7 < 0.75 ≤ 0.9
    expect(truncatedCandidates(LOGPROBS, 0, 0.95)).toEqual([1, 3, 2, 0]);
  });

  it('top-p applies to the distribution renormalised over the top-k survivors', () => {
    // Top-3 mass is 0.9; renormalised, 1 and 3 hold (0.4 + 0.3) / 0.9 = 0.78 ≥ 0.75, so 2 is cut,
    // whereas over the whole distribution 0.7 < 0.75 keeps it.
    expect(truncatedCandidates(LOGPROBS, 3, 0.75)).toEqual([1, 3]);
    expect(truncatedCandidates(LOGPROBS, 2, 0.5)).toEqual([1]); // 0.4 / 0.7 = 0.57 ≥ 0.5
  });

  it('breaks ties in favour of the lower id', () => {
    const tied = Float64Array.from([0.3, 0.2, 0.3, 0.2], Math.log);
    expect(truncatedCandidates(tied, 1, 1)).toEqual([0]);
    expect(truncatedCandidates(tied, 3, 1)).toEqual([0, 2, 1]);
  });
});

describe('chooseToken', () => {
  it('greedy (temperature 0) takes the most probable token, the lowest id on a tie, with its log-softmax', () => {
    const logits = Float32Array.from([1, 3, 3, 0]);
    const choice = chooseToken(logits, { temperature: 0, topK: 0, topP: 1 }, new Rng(1));
    expect(choice.token).toBe(1);
    expect(
      Math.abs(choice.logprob - (3 - Math.log(Math.exp(1) + 2 * Math.exp(3) + Math.exp(0)))),
    ).toBeLessThan(EXACT_TOLERANCE);
  });

  it('reports the logprob under the temperature-scaled distribution, ignoring truncation', () => {
    const logits = Float64Array.from([2, 1, 0]);
    const cold = chooseToken(logits, { temperature: 0.5, topK: 1, topP: 1 }, new Rng(1));
    expect(cold.token).toBe(0);
    // logits / 0.5 = [4, 2, 0]
    expect(Math.abs(cold.logprob - (4 - Math.log(Math.exp(4) + Math.exp(2) + 1)))).toBeLessThan(
      EXACT_TOLERANCE,
    );
    const rng = new Rng(2);
    for (let i = 0; i < 20; i++) {
      const choice = chooseToken(LOGPROBS, { temperature: 1, topK: 2, topP: 1 }, rng);
      expect([1, 3]).toContain(choice.token);
      expect(Math.abs(choice.logprob - Math.log(P[choice.token]))).toBeLessThan(EXACT_TOLERANCE); // not renormalised over {1, 3}
    }
  });

  it('never chooses an id at or above vocabLimit, greedy or sampled, and keeps the full-vocabulary logprob', () => {
    const logits = Float64Array.from([0, 1, 2, 9, 9]); // ids 3 and 4 are padding the tokenizer lacks
    const full = logSoftmaxRow(logits);
    const greedy = chooseToken(logits, { temperature: 0, topK: 0, topP: 1, vocabLimit: 3 }, new Rng(1));
    expect(greedy).toEqual({ token: 2, logprob: full[2] });
    const rng = new Rng(3);
    const seen = new Set<number>();
    for (let i = 0; i < 200; i++) {
      const choice = chooseToken(logits, { temperature: 1, topK: 0, topP: 1, vocabLimit: 3 }, rng);
      seen.add(choice.token);
      expect(choice.logprob).toBe(full[choice.token]);
    }
    expect([...seen].sort()).toEqual([0, 1, 2]);
  });

  it('the same seed gives the same choices', () => {
    const draw = (seed: number) => {
      const rng = new Rng(seed);
      return Array.from(
        { length: 50 },
        () => chooseToken(LOGPROBS, { temperature: 1, topK: 0, topP: 1 }, rng).token,
      );
    };
    expect(draw(9)).toEqual(draw(9));
    expect(draw(10)).not.toEqual(draw(9));
  });

  it('samples each token with its probability, after truncation and temperature', () => {
    expectFrequencies(frequencies(LOGPROBS, { temperature: 1, topK: 0, topP: 1 }, 1), P);
    expectFrequencies(frequencies(LOGPROBS, { temperature: 1, topK: 3, topP: 1 }, 2), [
      0,
      0.4 / 0.9,
      0.2 / 0.9,
      0.3 / 0.9,
    ]);
    expectFrequencies(frequencies(LOGPROBS, { temperature: 1, topK: 0, topP: 0.65 }, 3), [
      0,
      0.4 / 0.7,
      0,
      0.3 / 0.7,
    ]);
    // Temperature 2 turns p into √p, renormalised.
    const roots = P.map(Math.sqrt);
    const rootSum = roots.reduce((a, b) => a + b, 0);
    expectFrequencies(
      frequencies(LOGPROBS, { temperature: 2, topK: 0, topP: 1 }, 4),
      roots.map((r) => r / rootSum),
    );
  });
});

describe('logSoftmaxRow', () => {
  it('normalises logits / temperature, treating temperature 0 as 1', () => {
    const logits = Float32Array.from([0.5, -1, 2]);
    const z = Math.log(Math.exp(0.5) + Math.exp(-1) + Math.exp(2));
    const expected = [0.5 - z, -1 - z, 2 - z];
    for (const temperature of [1, 0]) {
      logSoftmaxRow(logits, temperature).forEach((lp, i) =>
        expect(Math.abs(lp - expected[i])).toBeLessThan(EXACT_TOLERANCE),
      );
    }
    const z3 = Math.log(Math.exp(0.5 / 3) + Math.exp(-1 / 3) + Math.exp(2 / 3));
    logSoftmaxRow(logits, 3).forEach((lp, i) =>
      expect(Math.abs(lp - ([0.5, -1, 2][i] / 3 - z3))).toBeLessThan(EXACT_TOLERANCE),
    );
  });

  it('stays finite for large logits', () => {
    const row = logSoftmaxRow(Float64Array.from([1000, 999]));
    expect(Math.abs(row[0] - -Math.log(1 + Math.exp(-1)))).toBeLessThan(EXACT_TOLERANCE);
    expect(Number.isFinite(row[1])).toBe(true);
  });
});
