// Loading the model a local backend serves, in the background: a configured checkpoint, or the newest
// one under the runs folder; while it loads, and if it cannot, the loader says why.

import { LanguageModel } from '../../models/language-model.js';
import { createPolicyModel } from '../../training/training-model.js';
import type { BackendReadiness } from '../chat-backend.js';
import { findLatestCheckpoint } from './find-latest-checkpoint.js';

/**
 * Where the model comes from: a checkpoint file, the newest checkpoint under a runs folder, or a model
 * already in memory (which stays the caller's to dispose). `threads`: ONNX Runtime threads, 0 all cores.
 */
export type LocalModelSource =
  | { readonly checkpoint: string; readonly threads?: number }
  | { readonly runsDir: string; readonly threads?: number }
  | { readonly model: LanguageModel };

/** Where loading stands. */
export type LoadState =
  | { readonly kind: 'loading'; readonly reason: string }
  | {
      readonly kind: 'ready';
      readonly model: LanguageModel;
      /** The file it was loaded from; undefined for a model given in memory. */
      readonly checkpoint?: string;
    }
  | { readonly kind: 'failed'; readonly reason: string; readonly error?: unknown };

/** Loads a byte-level model from a checkpoint once, and reports its progress. */
export class LocalModelLoader {
  private current: LoadState;
  /** Settles (never rejects) when loading has finished, one way or the other. */
  readonly loaded: Promise<LoadState>;

  constructor(private readonly source: LocalModelSource) {
    if ('model' in source) {
      this.current = { kind: 'ready', model: source.model };
      this.loaded = Promise.resolve(this.current);
      return;
    }
    this.current = {
      kind: 'loading',
      reason:
        'checkpoint' in source
          ? `loading checkpoint ${source.checkpoint}`
          : `looking for the latest checkpoint under ${source.runsDir}`,
    };
    this.loaded = load(source, (state) => (this.current = state)).then((state) => (this.current = state));
  }

  /** The state now. */
  get state(): LoadState {
    return this.current;
  }

  /** Ready once the model has loaded; otherwise why not. */
  readiness(): BackendReadiness {
    return this.current.kind === 'ready' ? { ready: true } : { ready: false, reason: this.current.reason };
  }

  /** Releases the model once loading has finished (not a model given in memory). */
  async dispose(): Promise<void> {
    const state = await this.loaded;
    if (state.kind === 'ready' && !('model' in this.source)) await state.model.dispose();
  }
}

async function load(
  source: Exclude<LocalModelSource, { readonly model: LanguageModel }>,
  report: (state: LoadState) => void,
): Promise<LoadState> {
  let checkpoint: string | undefined;
  if ('checkpoint' in source) checkpoint = source.checkpoint;
  else {
    try {
      checkpoint = await findLatestCheckpoint(source.runsDir);
    } catch (error) {
      return { kind: 'failed', reason: `cannot search ${source.runsDir}: ${message(error)}`, error };
    }
    if (checkpoint === undefined) {
      return {
        kind: 'failed',
        reason: `no checkpoint under ${source.runsDir}: run \`stateset-agents quickstart\` or \`train\`, or configure a checkpoint`,
      };
    }
    report({ kind: 'loading', reason: `loading checkpoint ${checkpoint}` });
  }
  try {
    const threads = source.threads ?? 0;
    const model = await createPolicyModel({ model: {}, initCheckpoint: checkpoint, seed: 0, threads });
    return { kind: 'ready', model, checkpoint };
  } catch (error) {
    return { kind: 'failed', reason: `checkpoint ${checkpoint} did not load: ${message(error)}`, error };
  }
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
