// Choosing the next token from one row of logits: temperature, top-k, nucleus (top-p; Holtzman et al.
// 2020) and greedy decoding. Pure functions over one (V) row.

import type { Rng } from '../engine/random.js';

/** How the next token is chosen. `temperature` 0 means greedy. */
export type ChoiceOptions = {
  readonly temperature: number;
  readonly topK: number; // 0 = no limit
  readonly topP: number; // 1 = no limit
  /** Only ids below this are chosen (a vocab_size padded beyond the tokenizer); default: all. */
  readonly vocabLimit?: number;
};

/** The chosen token and its log-probability under the temperature-scaled, untruncated distribution. */
export type TokenChoice = { readonly token: number; readonly logprob: number };

/** log softmax of `logits / temperature` (temperature 0 is treated as 1), in float64. */
export function logSoftmaxRow(logits: Float32Array | Float64Array, temperature = 1): Float64Array {
  const t = temperature > 0 ? temperature : 1;
  let max = -Infinity;
  for (let i = 0; i < logits.length; i++) max = Math.max(max, logits[i] / t);
  let sum = 0;
  for (let i = 0; i < logits.length; i++) sum += Math.exp(logits[i] / t - max);
  const logZ = max + Math.log(sum);
  const out = new Float64Array(logits.length);
  for (let i = 0; i < logits.length; i++) out[i] = logits[i] / t - logZ;
  return out;
}

/**
 * Picks a token: greedy at temperature 0 (lowest id wins ties), else samples from the
 * temperature-scaled distribution restricted to the top-k tokens and then to the smallest set whose
 * probability reaches top-p. The returned logprob ignores the truncation, so it is the policy's own
 * logprob at that temperature (what importance ratios in RL need). Ids at or above `vocabLimit` are
 * never chosen; like the truncations, the limit does not renormalise the returned logprob.
 */
export function chooseToken(
  logits: Float32Array | Float64Array,
  options: ChoiceOptions,
  rng: Rng,
): TokenChoice {
  const logprobs = logSoftmaxRow(logits, options.temperature);
  const limit = Math.min(options.vocabLimit ?? logprobs.length, logprobs.length);
  const choosable = limit < logprobs.length ? logprobs.subarray(0, limit) : logprobs; // same ids
  if (options.temperature <= 0) {
    let best = 0;
    for (let i = 1; i < choosable.length; i++) if (choosable[i] > choosable[best]) best = i;
    return { token: best, logprob: logprobs[best] };
  }
  const candidates = truncatedCandidates(choosable, options.topK, options.topP);
  let total = 0;
  for (const i of candidates) total += Math.exp(logprobs[i]);
  let u = rng.nextFloat() * total;
  for (const i of candidates) {
    u -= Math.exp(logprobs[i]);
    if (u < 0) return { token: i, logprob: logprobs[i] };
  }
  const last = candidates[candidates.length - 1];
  return { token: last, logprob: logprobs[last] };
}

/** Token ids allowed by top-k then top-p, most probable first (all ids when neither limits). */
export function truncatedCandidates(logprobs: Float64Array, topK: number, topP: number): number[] {
  const limitK = topK > 0 && topK < logprobs.length;
  if (!limitK && topP >= 1) return Array.from(logprobs.keys());
  const order = Array.from(logprobs.keys()).sort((a, b) => logprobs[b] - logprobs[a] || a - b);
  const kept = limitK ? order.slice(0, topK) : order;
  if (topP >= 1) return kept;
  // Top-p applies to the distribution renormalised over the top-k survivors.
  let keptMass = 0;
  for (const i of kept) keptMass += Math.exp(logprobs[i]);
  let mass = 0;
  const nucleus: number[] = [];
  for (const i of kept) {
    nucleus.push(i);
    mass += Math.exp(logprobs[i]);
    if (mass >= topP * keptMass) break;
  }
  return nucleus;
}
