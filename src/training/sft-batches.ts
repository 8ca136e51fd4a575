// Batches for supervised fine-tuning: a seeded stream of example indices (a fresh shuffle every
// epoch), and a batch's Datums with the token-level mean normalisation of the masked loss.

import type { Datum } from '../backends/training-backend.js';
import { ConversationError } from '../conversation/conversation-error.js';
import { sequenceToDatum, type TokenSequence } from '../conversation/token-sequence.js';
import { Rng } from '../engine/random.js';

/** Number of tokens a sequence trains on (its mask summed, the first token excluded: nothing predicts it). */
export function trainedTokens(sequence: TokenSequence): number {
  let sum = 0;
  for (let i = 1; i < sequence.mask.length; i++) sum += sequence.mask[i];
  return sum;
}

/**
 * The Datums of one batch for the `cross_entropy` loss, with weights = mask / N where N is the
 * number of trained (mask 1) tokens in the whole batch. The summed loss −Σ w·lp is then the mean
 * negative log-likelihood per trained token of the batch: every assistant token weighs the same
 * whatever the length of its conversation (the token-level mean of nanoGPT and TRL's SFT), and the
 * gradient scale does not depend on the batch size. Throws ConversationError('invalid_argument')
 * when the batch has no trained token.
 */
export function sftBatchDatums(batch: readonly TokenSequence[]): Datum[] {
  const total = batch.reduce((sum, sequence) => sum + trainedTokens(sequence), 0);
  if (!(total > 0)) {
    throw new ConversationError('invalid_argument', 'An SFT batch has no assistant tokens to train on.');
  }
  return batch.map((sequence) => {
    const datum = sequenceToDatum(sequence);
    const weights = (datum.lossFnInputs.weights ?? []).map((weight) => weight / total);
    return {
      modelInput: datum.modelInput,
      lossFnInputs: { targetTokens: datum.lossFnInputs.targetTokens, weights },
    };
  });
}

/**
 * Example indices in batches of `batchSize`: each epoch is a fresh seeded shuffle of 0..count−1,
 * and a batch that reaches the end of an epoch continues into the next one, so every batch is full
 * and every example is seen once per epoch (a batch across the boundary may hold one example
 * twice). `batchSize` above `count` is capped at `count`.
 */
export class SftBatchStream {
  private readonly rng: Rng;
  private order: number[] = [];
  private epochValue = 0;
  readonly batchSize: number;

  constructor(
    private readonly count: number,
    batchSize: number,
    seed: number,
  ) {
    if (!Number.isInteger(count) || count < 1)
      throw new ConversationError('invalid_argument', `SFT needs at least one example, got ${count}.`);
    if (!Number.isInteger(batchSize) || batchSize < 1)
      throw new ConversationError(
        'invalid_argument',
        `batchSize must be a positive integer, got ${batchSize}.`,
      );
    this.batchSize = Math.min(batchSize, count);
    this.rng = new Rng(seed);
  }

  /** Epochs begun so far (1 during the first). */
  get epoch(): number {
    return this.epochValue;
  }

  /** The next batch of indices. */
  next(): number[] {
    const batch: number[] = [];
    while (batch.length < this.batchSize) {
      if (this.order.length === 0) {
        this.order = this.rng.shuffle(Array.from({ length: this.count }, (_, index) => index)).reverse();
        this.epochValue++;
      }
      batch.push(this.order.pop() as number);
    }
    return batch;
  }
}
