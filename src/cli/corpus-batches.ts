// Next-token training batches from one token stream: random windows, each a datum whose position t
// predicts token t + 1 (the nanoGPT get_batch recipe).

import type { Datum } from '../backends/training-backend.js';
import type { Rng } from '../engine/random.js';

/** Options of `windowDatums`. */
export type WindowDatumsOptions = {
  /** The whole corpus as token ids. */
  readonly tokens: readonly number[];
  /** Windows per batch (B). */
  readonly batchSize: number;
  /** Positions per window (T); shortened to fit a shorter corpus. */
  readonly length: number;
  /** Draws the window starts. */
  readonly rng: Rng;
};

/**
 * `batchSize` windows of `length + 1` consecutive tokens at uniform random starts. Each datum's
 * weights are 1 / (B·T), so a cross-entropy `loss:sum` is the mean loss per token in nats.
 */
export function windowDatums(options: WindowDatumsOptions): Datum[] {
  const { tokens, batchSize, rng } = options;
  const length = Math.min(options.length, tokens.length - 1);
  const weight = 1 / (batchSize * length);
  return Array.from({ length: batchSize }, () => {
    const start = rng.int(tokens.length - length);
    const window = tokens.slice(start, start + length + 1); // (T + 1)
    return {
      modelInput: window.slice(0, length), // (T)
      lossFnInputs: { targetTokens: window.slice(1), weights: new Array<number>(length).fill(weight) },
    };
  });
}
