// The loss flows only through the tokens the policy sampled: the prompt positions of a datum carry
// weight 0, so what they predict (their targets, old logprobs, advantages) cannot move a gradient.

import { describe, expect, it } from 'vitest';
import { LocalTrainingBackend } from '../backends/local-backend.js';
import type { Datum } from '../backends/training-backend.js';
import { LanguageModel } from '../models/language-model.js';
import { buildPolicyDatums } from './policy-datums.js';
import { tokenTrajectory } from './test-support/token-trajectory.js';

const TINY = { vocabSize: 40, contextLength: 32, width: 16, layers: 1, heads: 2, mlpWidth: 32 };

const trajectory = tokenTrajectory({
  id: 't',
  turns: [
    { prompt: [1, 2, 3, 4], completion: [5, 6, 7], logprobs: [-3.6, -3.7, -3.5] },
    { prompt: [8, 9], completion: [10, 11], logprobs: [-3.7, -3.6] },
  ],
});
const [datum] = buildPolicyDatums({ trajectories: [trajectory], advantages: [0.7], normalisation: 'dapo' });

/** The datum with its fields replaced at the given positions. */
function edited(positions: readonly number[], target: number): Datum {
  const inputs = datum.lossFnInputs;
  const at = (values: readonly number[] | undefined, value: number) =>
    values?.map((old, t) => (positions.includes(t) ? value : old));
  return {
    modelInput: datum.modelInput,
    lossFnInputs: {
      ...inputs,
      targetTokens: at(inputs.targetTokens, target) as number[],
      logprobs: at(inputs.logprobs, -9),
      advantages: at(inputs.advantages, 5),
    },
  };
}

/** Gradients of the ppo loss of one datum, from a fresh model with a fixed seed. */
async function gradients(input: Datum): Promise<Map<string, Float32Array>> {
  const backend = new LocalTrainingBackend({
    model: new LanguageModel({ config: TINY, seed: 3, threads: 1 }),
  });
  await backend.forwardBackward([input], 'ppo');
  const grads = backend.accumulatedGradients();
  await backend.model.dispose();
  return grads;
}

function maxDifference(a: Map<string, Float32Array>, b: Map<string, Float32Array>): number {
  let max = 0;
  for (const [name, values] of a) {
    const other = b.get(name) as Float32Array;
    for (let i = 0; i < values.length; i++) max = Math.max(max, Math.abs(values[i] - other[i]));
  }
  return max;
}

describe('policy gradients', () => {
  const weights = datum.lossFnInputs.weights ?? [];
  const prompt = weights.flatMap((weight, t) => (weight === 0 ? [t] : []));
  const sampled = weights.flatMap((weight, t) => (weight > 0 ? [t] : []));

  it('weights exactly the sampled tokens: the completions, and not the prompts', () => {
    // tokens 1..11 shifted by one: targets 2..11; policy targets are 5, 6, 7, 10, 11
    expect(sampled.map((t) => datum.lossFnInputs.targetTokens[t])).toEqual([5, 6, 7, 10, 11]);
    expect(prompt).toHaveLength(datum.modelInput.length - 5);
  });

  it('are unchanged when the targets, logprobs and advantages of prompt positions change', async () => {
    const base = await gradients(datum);
    const norm = Math.max(...[...base.values()].map((values) => Math.max(...values.map(Math.abs))));
    expect(norm).toBeGreaterThan(0);
    expect(maxDifference(base, await gradients(edited(prompt, 39)))).toBe(0);
  });

  it('change when a sampled token changes (the test can fail)', async () => {
    const base = await gradients(datum);
    expect(maxDifference(base, await gradients(edited([sampled[1]], 39)))).toBeGreaterThan(0);
  });
});
