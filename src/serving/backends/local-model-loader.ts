// Loading the model a local backend serves, in the background: a configured byte-level checkpoint, the
// newest one under the runs folder, or a Hugging Face model directory with an optional LoRA adapter;
// while it loads, and if it cannot, the loader says why.

import { ByteChatRenderer } from '../../conversation/byte-chat-renderer.js';
import type { ChatRenderer } from '../../conversation/chat-renderer.js';
import type { LanguageModel } from '../../models/language-model.js';
import { ByteTokenizer } from '../../models/tokenizers/byte-tokenizer.js';
import { loadHfPolicy } from '../../training/hf-policy-model.js';
import { createPolicyModel } from '../../training/training-model.js';
import type { BackendReadiness } from '../chat-backend.js';
import { findLatestCheckpoint } from './find-latest-checkpoint.js';

/**
 * Where the model comes from: a byte-level checkpoint file, the newest checkpoint under a runs folder,
 * a Hugging Face model directory (with a saved PEFT adapter folder), or a model already in memory
 * (which stays the caller's to dispose; its renderer defaults to the byte chat format).
 * `threads`: ONNX Runtime threads, 0 or absent for all cores.
 */
export type LocalModelSource =
  | { readonly checkpoint: string; readonly threads?: number }
  | { readonly runsDir: string; readonly threads?: number }
  | { readonly modelDir: string; readonly adapterDir?: string; readonly threads?: number }
  | { readonly model: LanguageModel; readonly renderer?: ChatRenderer };

/** Where loading stands. */
export type LoadState =
  | { readonly kind: 'loading'; readonly reason: string }
  | {
      readonly kind: 'ready';
      readonly model: LanguageModel;
      /** Renders prompts as the model was trained; its tokenizer decodes replies. */
      readonly renderer: ChatRenderer;
      /** The checkpoint file it was loaded from; undefined for other sources. */
      readonly checkpoint?: string;
      /** What is served, in words, e.g. `checkpoint runs/…/best.safetensors`. */
      readonly detail: string;
    }
  | { readonly kind: 'failed'; readonly reason: string; readonly error?: unknown };

type LoadingSource = Exclude<LocalModelSource, { readonly model: LanguageModel }>;
type ReadyState = Extract<LoadState, { readonly kind: 'ready' }>;

/** Loads a model once, and reports its progress. */
export class LocalModelLoader {
  private current: LoadState;
  /** Settles (never rejects) when loading has finished, one way or the other. */
  readonly loaded: Promise<LoadState>;

  constructor(private readonly source: LocalModelSource) {
    if ('model' in source) {
      const renderer = source.renderer ?? new ByteChatRenderer({ tokenizer: new ByteTokenizer() });
      this.current = { kind: 'ready', model: source.model, renderer, detail: 'a model in memory' };
      this.loaded = Promise.resolve(this.current);
      return;
    }
    this.current = { kind: 'loading', reason: loadingReason(source) };
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

function loadingReason(source: LoadingSource): string {
  if ('checkpoint' in source) return `loading checkpoint ${source.checkpoint}`;
  if ('modelDir' in source) return `loading model directory ${source.modelDir}`;
  return `looking for the latest checkpoint under ${source.runsDir}`;
}

async function load(source: LoadingSource, report: (state: LoadState) => void): Promise<LoadState> {
  if ('modelDir' in source) return loadModelDirectory(source);
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
    const renderer = new ByteChatRenderer({ tokenizer: new ByteTokenizer() });
    return { kind: 'ready', model, renderer, checkpoint, detail: `checkpoint ${checkpoint}` };
  } catch (error) {
    return { kind: 'failed', reason: `checkpoint ${checkpoint} did not load: ${message(error)}`, error };
  }
}

/** The HF weights, adapter and chat template, exactly as `sft`, `train`, `eval` and `chat` load them. */
async function loadModelDirectory(
  source: Extract<LoadingSource, { readonly modelDir: string }>,
): Promise<ReadyState | Extract<LoadState, { readonly kind: 'failed' }>> {
  try {
    const policy = await loadHfPolicy({
      dir: source.modelDir,
      ...(source.adapterDir === undefined ? {} : { adapterDir: source.adapterDir }),
      seed: 0, // seeds only a fresh adapter, which serving never makes
      threads: source.threads === 0 ? undefined : source.threads,
    });
    return { kind: 'ready', model: policy.model, renderer: policy.renderer, detail: policy.description };
  } catch (error) {
    const what =
      source.adapterDir === undefined
        ? `model directory ${source.modelDir}`
        : `model directory ${source.modelDir} with adapter ${source.adapterDir}`;
    return { kind: 'failed', reason: `${what} did not load: ${message(error)}`, error };
  }
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
