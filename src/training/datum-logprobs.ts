// Logprobs of a datum's targets under another policy: the frozen reference (for the KL penalty and
// its metric), or the current weights untempered (the old logprobs when rollouts sampled at T ≠ 1).

import type { Datum } from '../backends/training-backend.js';

/** Anything that scores whole sequences: result[b][t] = log p(sequences[b][t + 1] | sequences[b][..t]). */
export type SequenceScorer = {
  computeLogprobs(sequences: readonly (readonly number[])[]): Promise<number[][]>;
};

/** A datum's full token stream: its inputs, then the last target (the targets are the inputs shifted). */
export function datumSequence(datum: Datum): number[] {
  return [...datum.modelInput, datum.lossFnInputs.targetTokens[datum.modelInput.length - 1]];
}

/** log p(targetTokens[t] | modelInput[..t]) of every datum, shape (datums, modelInput length), in chunks. */
export async function datumLogprobs(options: {
  readonly scorer: SequenceScorer;
  readonly datums: readonly Datum[];
  /** Datums per call; 0 scores all at once. */
  readonly chunkSize: number;
}): Promise<number[][]> {
  const { datums } = options;
  const size = options.chunkSize > 0 ? options.chunkSize : Math.max(1, datums.length);
  const result: number[][] = [];
  for (let start = 0; start < datums.length; start += size) {
    result.push(
      ...(await options.scorer.computeLogprobs(datums.slice(start, start + size).map(datumSequence))),
    );
  }
  return result;
}

/** Datums whose `logprobs` are replaced by `logprobs` on weighted (policy) tokens and 0 elsewhere. */
export function withOldLogprobs(datums: readonly Datum[], logprobs: readonly (readonly number[])[]): Datum[] {
  return datums.map((datum, index) => {
    const weights = datum.lossFnInputs.weights ?? [];
    const old = datum.modelInput.map((_, t) => ((weights[t] ?? 1) > 0 ? logprobs[index][t] : 0));
    return { ...datum, lossFnInputs: { ...datum.lossFnInputs, logprobs: old } };
  });
}
