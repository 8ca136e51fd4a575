// A token-level policy on the embedded engine: renders each conversation incrementally through a
// ChatRenderer, samples with the model, and returns the exact prompt tokens, sampled tokens and
// their logprobs (the record RL trains on).

import { TokenTranscript } from '../conversation/token-transcript.js';
import type { ChatRenderer } from '../conversation/chat-renderer.js';
import type { TrainingBackend } from '../backends/training-backend.js';
import { Rng } from '../engine/random.js';
import { LanguageModel } from '../models/language-model.js';
import type { SampledSequence, SamplingParams } from '../models/sampler.js';
import { ModelError } from '../errors.js';
import { AgentError } from './agent-error.js';
import type { Policy, PolicyOutput, PolicyRequest } from './policy.js';

/** Sampling settings of a local policy; stop ids come from the renderer, seeds from the policy. */
export type LocalSamplingParams = Omit<SamplingParams, 'stopTokenIds' | 'seed' | 'stopStrings'>;

/** Options of a local policy. */
export type LocalPolicyOptions = {
  /** The model to sample from, directly or through a training backend (which samples current weights). */
  readonly backend: LanguageModel | Pick<TrainingBackend, 'sample'>;
  readonly renderer: ChatRenderer;
  readonly sampling: LocalSamplingParams;
  /**
   * Longest stream the model takes; `maxNewTokens` shrinks to fit what is left of it. Default the
   * model's context length when `backend` is a LanguageModel or exposes one as `model`.
   */
  readonly contextLength?: number;
  /** Seed of the policy's sampling stream; each fork and each turn draws its own seed from it. Default 0. */
  readonly seed?: number;
  readonly name?: string;
};

/**
 * A Policy that samples tokens itself. It keeps the conversation's token transcript, so each turn
 * renders only the messages added since its last reply. When the messages no longer continue the
 * transcript (the agent truncated the context, or a new conversation began) it renders them afresh
 * and marks the turn `newSequence`. Use one fork per concurrent conversation.
 */
export class LocalPolicy implements Policy {
  readonly name: string;
  readonly supportsNativeTools: boolean;
  private rng: Rng;
  private forks = 0;
  private transcript: TokenTranscript | undefined;

  constructor(private readonly options: LocalPolicyOptions) {
    this.name = options.name ?? 'local';
    this.supportsNativeTools = options.renderer.supportsNativeTools;
    this.rng = new Rng(options.seed ?? 0);
  }

  /** A policy on the same model with an empty transcript and its own sampling stream. */
  fork(): LocalPolicy {
    const child = new LocalPolicy(this.options);
    child.rng = this.rng.fork(`fork ${this.forks++}`);
    return child;
  }

  /** The token stream of the current conversation (empty before the first turn). */
  get tokens(): readonly number[] {
    return this.transcript?.tokens ?? [];
  }

  async generate(request: PolicyRequest): Promise<PolicyOutput> {
    throwIfAborted(request.signal);
    const { renderer } = this.options;
    const tools = request.tools !== undefined && request.tools.length > 0 ? request.tools : undefined;
    let newSequence = false;
    if (this.transcript === undefined || !this.transcript.continues(request.messages, tools)) {
      newSequence = this.transcript !== undefined && this.transcript.tokens.length > 0;
      this.transcript = new TokenTranscript({ renderer, tools });
    }
    const transcript = this.transcript;
    const turn = transcript.prepareTurn(request.messages);
    const sampled = await this.sample(turn.context);
    throwIfAborted(request.signal);
    const assistantTurns = request.messages.filter((message) => message.role === 'assistant').length;
    const parsed = renderer.parseCompletion(sampled.tokens, { toolCallIdPrefix: `call_${assistantTurns}_` });
    transcript.commitTurn(turn, sampled.tokens, parsed.message);
    return {
      message: parsed.message,
      tokens: {
        prompt: [...turn.prompt],
        completion: [...sampled.tokens],
        logprobs: [...sampled.logprobs],
        ...(newSequence ? { newSequence: true } : {}),
      },
      parseFailures: parsed.parseFailures,
      finishReason: sampled.finishReason,
    };
  }

  private async sample(context: readonly number[]): Promise<SampledSequence> {
    const { backend, sampling } = this.options;
    const contextLength = this.options.contextLength ?? modelOf(backend)?.config.contextLength;
    const room = contextLength === undefined ? sampling.maxNewTokens : contextLength - context.length;
    if (room < 1) {
      throw new ModelError(
        'sequence_too_long',
        `The conversation renders to ${context.length} tokens, leaving no room in the model context ${contextLength}; give the agent a context window.`,
      );
    }
    const params: SamplingParams = {
      ...sampling,
      maxNewTokens: Math.min(sampling.maxNewTokens, room),
      stopTokenIds: this.options.renderer.stopTokenIds,
      seed: this.rng.int(2 ** 31),
    };
    const [sequence] =
      backend instanceof LanguageModel
        ? [await backend.batchingSampler.sample(context, params)]
        : await backend.sample([context], params);
    return sequence;
  }
}

/** The model behind a backend, when it is one or exposes one (LocalTrainingBackend). */
function modelOf(backend: LocalPolicyOptions['backend']): LanguageModel | undefined {
  if (backend instanceof LanguageModel) return backend;
  const model = (backend as { readonly model?: unknown }).model;
  return model instanceof LanguageModel ? model : undefined;
}

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted === true) {
    throw new AgentError('request_aborted', 'The local policy turn was aborted.', { cause: signal.reason });
  }
}
