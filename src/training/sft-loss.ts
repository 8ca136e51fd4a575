// The supervised loss of held-out sequences without training on them: the mean negative
// log-likelihood per trained (mask 1) token, the quantity `runSft` minimises.

import type { TrainingBackend } from '../backends/training-backend.js';
import type { TokenSequence } from '../conversation/token-sequence.js';
import { trainedTokens } from './sft-batches.js';

/** Options of `sftLoss`. */
export type SftLossOptions = {
  readonly backend: Pick<TrainingBackend, 'computeLogprobs'>;
  readonly sequences: readonly TokenSequence[];
  /** Sequences per `computeLogprobs` call; default 8. */
  readonly batchSize?: number;
};

/**
 * Σ −log p(tokens[t] | tokens[..t]) · mask[t] over every sequence and t ≥ 1, divided by Σ mask[t]:
 * the token-level mean over the whole set (NaN when no token has mask 1).
 */
export async function sftLoss(options: SftLossOptions): Promise<number> {
  const batchSize = options.batchSize ?? 8;
  let nll = 0;
  let count = 0;
  for (let start = 0; start < options.sequences.length; start += batchSize) {
    const batch = options.sequences.slice(start, start + batchSize);
    const logprobs = await options.backend.computeLogprobs(batch.map((sequence) => sequence.tokens));
    batch.forEach((sequence, b) => {
      // logprobs[b][t] scores tokens[t + 1]
      for (let t = 0; t < logprobs[b].length; t++) nll -= logprobs[b][t] * sequence.mask[t + 1];
      count += trainedTokens(sequence);
    });
  }
  return count === 0 ? Number.NaN : nll / count;
}
