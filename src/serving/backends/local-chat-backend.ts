// A ChatBackend over a model on the embedded engine (a byte-level checkpoint, or a Hugging Face model
// directory with its chat template and adapter): renders each request as training renders its agent's
// turns, samples through the model's shared batching sampler (concurrent requests share decode steps),
// streams text as tokens arrive, and returns the exact tokens for capture.

import { Rng } from '../../engine/random.js';
import type { TokenHook } from '../../models/sampler.js';
import type { ToolPromptStyle } from '../../training/policy-agent.js';
import type { BackendReadiness, ChatBackend, Completion, CompletionRequest } from '../chat-backend.js';
import { BackendError, requestAborted } from './backend-error.js';
import { HeldBackStream, TOOL_CALL_MARKERS } from './held-back-stream.js';
import { IncrementalDetokenizer } from './incremental-detokenizer.js';
import { firstStopIndex, readLocalCompletion } from './local-completion.js';
import { LocalModelLoader, type LocalModelSource } from './local-model-loader.js';
import { renderLocalPrompt } from './local-prompt.js';

/** Options of a local chat backend. */
export type LocalChatBackendOptions = {
  /** The checkpoint, the runs folder to take the newest checkpoint from, a model directory, or a model in memory. */
  readonly source: LocalModelSource;
  /** The id `/v1/models` lists. Default `'stateset-local'`. */
  readonly modelId?: string;
  /** How tools are described in the system prompt; use what the model was trained with. Default 'compact'. */
  readonly toolPrompt?: ToolPromptStyle;
  /** Temperature of requests that give none. Default 0 (greedy, as evaluation samples). */
  readonly defaultTemperature?: number;
  /** Reply length of requests that give no maxTokens (capped by the context). Default 256. */
  readonly defaultMaxTokens?: number;
  /** Seed of the stream that seeds requests without a seed of their own. Default 0. */
  readonly seed?: number;
};

/**
 * Serves a local model with the renderer it was trained with (the byte chat format, or the model's
 * chat template), stopping at the renderer's stop ids (for HF models: the template's end-of-reply
 * token, then generation_config's eos ids). Loading starts at construction; until it finishes
 * (or when it failed) `readiness` says why not and `complete` waits for it, then fails with
 * `model_unavailable`.
 */
export class LocalChatBackend implements ChatBackend {
  readonly modelId: string;
  private readonly loader: LocalModelLoader;
  private readonly seeds: Rng;

  constructor(private readonly options: LocalChatBackendOptions) {
    this.modelId = options.modelId ?? 'stateset-local';
    this.loader = new LocalModelLoader(options.source);
    this.seeds = new Rng(options.seed ?? 0);
  }

  readiness(): BackendReadiness {
    return this.loader.readiness();
  }

  /** The checkpoint being served, once loaded (undefined for a model given in memory). */
  get checkpoint(): string | undefined {
    const state = this.loader.state;
    return state.kind === 'ready' ? state.checkpoint : undefined;
  }

  /** What is served, in words (`checkpoint …`, or the HF model and adapter), once loaded. */
  get served(): string | undefined {
    const state = this.loader.state;
    return state.kind === 'ready' ? state.detail : undefined;
  }

  /** Resolves once loading has finished, ready or not. */
  async whenLoaded(): Promise<BackendReadiness> {
    await this.loader.loaded;
    return this.readiness();
  }

  async complete(request: CompletionRequest): Promise<Completion> {
    const state = await this.loader.loaded;
    if (state.kind !== 'ready')
      throw new BackendError('model_unavailable', `No model to serve: ${state.reason}.`);
    const { signal } = request;
    throwIfAborted(signal);
    const { model, renderer } = state;
    const { tokenizer } = renderer;
    const { sampling } = request;
    const stop = sampling.stop ?? [];
    const prompt = renderLocalPrompt({
      renderer,
      messages: request.messages,
      tools: request.tools ?? [],
      toolPrompt: this.options.toolPrompt ?? 'compact',
      contextLength: model.config.contextLength,
      maxTokens: sampling.maxTokens ?? this.options.defaultMaxTokens ?? 256,
    });
    const stream =
      request.onDelta === undefined
        ? undefined
        : new HeldBackStream({ markers: [...TOOL_CALL_MARKERS, ...stop], onDelta: request.onDelta });
    const stopIds = renderer.stopTokenIds;
    const detokenizer = new IncrementalDetokenizer(tokenizer);
    const onToken: TokenHook = ({ token }) => {
      if (signal?.aborted === true || stream?.error !== undefined) return 'stop';
      if (stopIds.includes(token)) return;
      const text = detokenizer.push(token);
      if (firstStopIndex(text, stop) !== undefined) return 'stop';
      stream?.update(text);
    };
    const sampled = await model.batchingSampler.sample(
      prompt.tokens,
      {
        maxNewTokens: prompt.maxNewTokens,
        temperature: sampling.temperature ?? this.options.defaultTemperature ?? 0,
        ...(sampling.topP === undefined ? {} : { topP: sampling.topP }),
        stopTokenIds: stopIds,
        seed: sampling.seed ?? this.seeds.int(2 ** 31),
      },
      undefined,
      onToken,
    );
    throwIfAborted(signal); // the hook stopped sampling early
    const assistantTurns = request.messages.filter((message) => message.role === 'assistant').length;
    const completion = readLocalCompletion({
      tokenizer,
      stopTokenIds: stopIds,
      prompt: prompt.tokens,
      completion: sampled.tokens,
      logprobs: sampled.logprobs,
      sampledFinish: sampled.finishReason,
      stop,
      toolCallIdPrefix: `call_${assistantTurns}_`,
      includeLogprobs: request.logprobs === true,
    });
    await stream?.finish(completion.message.content);
    return completion;
  }

  async close(): Promise<void> {
    await this.loader.dispose();
  }
}

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted === true) throw requestAborted('The completion', signal);
}
