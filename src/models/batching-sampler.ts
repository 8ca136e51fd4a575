// Merges sampling requests that arrive together (concurrent episodes of a GRPO group, say) into one
// batched `sample` call, so each decode step serves every waiting conversation at once.

import type { LanguageModel } from './language-model.js';
import {
  sample,
  type SampledSequence,
  type SamplingParams,
  type SampleRequest,
  type TokenHook,
} from './sampler.js';

/** One queued request and where its answer goes. */
type Pending = {
  readonly prompt: readonly number[];
  readonly params: SamplingParams;
  readonly decode?: SampleRequest['decode'];
  /** This request's own hook (its row is always 0 here). */
  readonly onToken?: TokenHook;
  /** Tokens the hook has seen; a request that streamed some is not re-run alone. */
  tokensSeen: number;
  readonly resolve: (sequence: SampledSequence) => void;
  readonly reject: (error: unknown) => void;
};

/** Options of a batching sampler. */
export type BatchingSamplerOptions = {
  /** Most prompts in one batch. Default 64. */
  readonly maxBatch?: number;
};

/**
 * Samples single prompts, batching every request made in the same turn of the event loop that shares
 * its settings (all but seed and maxNewTokens). A request's draws depend only on its own seed, so a
 * result equals what `sample` gives that prompt alone, up to float rounding of the batched matrix
 * products. One batch runs at a time; requests arriving meanwhile form the next.
 */
export class BatchingSampler {
  private readonly queue: Pending[] = [];
  private running = false;
  private scheduled = false;
  private readonly maxBatch: number;

  constructor(
    private readonly model: LanguageModel,
    options: BatchingSamplerOptions = {},
  ) {
    this.maxBatch = options.maxBatch ?? 64;
  }

  /**
   * Samples one continuation of `prompt`; `params.seed` seeds this request's own stream. `onToken`
   * sees this request's tokens as they are chosen (row 0) and may stop it; it does not stop the batch.
   */
  sample(
    prompt: readonly number[],
    params: SamplingParams,
    decode?: SampleRequest['decode'],
    onToken?: TokenHook,
  ): Promise<SampledSequence> {
    return new Promise((resolve, reject) => {
      this.queue.push({ prompt, params, decode, onToken, tokensSeen: 0, resolve, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.running || this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      void this.flush();
    });
  }

  private async flush(): Promise<void> {
    if (this.running || this.queue.length === 0) return;
    this.running = true;
    const key = settingsKey(this.queue[0]);
    const batch: Pending[] = [];
    for (let i = 0; i < this.queue.length && batch.length < this.maxBatch;) {
      if (settingsKey(this.queue[i]) === key) batch.push(...this.queue.splice(i, 1));
      else i++;
    }
    try {
      const maxNewTokens = Math.max(...batch.map((p) => p.params.maxNewTokens));
      const sequences = await sample(this.model, {
        prompts: batch.map((p) => p.prompt),
        params: { ...batch[0].params, maxNewTokens, seed: undefined },
        decode: batch[0].decode,
        rows: batch.map((p) => ({ seed: p.params.seed ?? 0, maxNewTokens: p.params.maxNewTokens })),
        onToken: (event) => observe(batch[event.row], event),
      });
      batch.forEach((p, b) => p.resolve(sequences[b]));
    } catch (error) {
      if (batch.length === 1) batch[0].reject(error);
      // One bad request must not fail its neighbours: retry each alone to find it. A request whose
      // hook already saw tokens fails instead, so no token reaches a hook twice.
      else
        for (const p of batch) {
          if (p.tokensSeen > 0) {
            p.reject(error);
            continue;
          }
          const onToken: TokenHook = (event) => observe(p, event);
          sample(this.model, { prompts: [p.prompt], params: p.params, decode: p.decode, onToken }).then(
            ([s]) => p.resolve(s),
            p.reject,
          );
        }
    } finally {
      this.running = false;
      if (this.queue.length > 0) this.schedule();
    }
  }
}

/** Passes a token to its request's hook as row 0, counting it. */
function observe(pending: Pending, event: Parameters<TokenHook>[0]): 'stop' | void {
  pending.tokensSeen++;
  return pending.onToken?.({ ...event, row: 0 });
}

/** Requests batch together when everything but seed and maxNewTokens agrees. */
function settingsKey(pending: Pending): string {
  const { seed: _seed, maxNewTokens: _max, ...rest } = pending.params;
  return JSON.stringify(rest) + (pending.decode === undefined ? '' : ':decode');
}
