// A ChatBackend that proxies to an upstream OpenAI-compatible endpoint (OpenAI, vLLM, SGLang,
// llama.cpp) through the official `openai` client, streaming when the caller streams. It makes one
// attempt per call: retries, timeouts and the breaker belong to the resilience layer around it.

import OpenAI from 'openai';
import { z } from 'zod';
import { readChatCompletion, toOpenAIMessages } from '../../agents/openai-chat-format.js';
import { toFunctionTool } from '../../conversation/tool-definition.js';
import type {
  BackendReadiness,
  ChatBackend,
  Completion,
  CompletionRequest,
  TokenLogprob,
} from '../chat-backend.js';
import { BackendError, requestAborted } from './backend-error.js';
import { ChunkAccumulator, LogprobEntrySchema, toTokenLogprob } from './chunk-accumulator.js';
import { HeldBackStream, TOOL_CALL_MARKERS } from './held-back-stream.js';
import { upstreamError } from './upstream-error.js';

/** Options of an upstream chat backend. */
export type UpstreamChatBackendOptions = {
  /** Base URL of the API, e.g. `http://127.0.0.1:8001/v1`. */
  readonly baseURL: string;
  /** Bearer token; default `'EMPTY'` (what vLLM and llama.cpp accept). */
  readonly apiKey?: string;
  /** The model name sent upstream. */
  readonly model: string;
  /** The id `/v1/models` lists. Default `model`. */
  readonly modelId?: string;
  /** The client's own limit on one request, a safety net under the resilience layer's. Default 600 000 ms. */
  readonly requestTimeoutMs?: number;
  /** Parse `<tool_call>` blocks in replies that carry no API `tool_calls` (Hermes-style models). Default true. */
  readonly parseTextToolCalls?: boolean;
};

const LogprobsSchema = z.object({
  choices: z
    .array(z.object({ logprobs: z.object({ content: z.array(LogprobEntrySchema).nullish() }).nullish() }))
    .min(1),
});

/**
 * Proxies completions to an upstream endpoint. Failures are BackendErrors with a `retryable`
 * judgement (see `upstreamError`); an error thrown by the caller's `onDelta` propagates unchanged.
 * Usage is the upstream's, or zeros when it reports none.
 */
export class UpstreamChatBackend implements ChatBackend {
  readonly modelId: string;
  private readonly client: OpenAI;
  private readonly name: string;

  constructor(private readonly options: UpstreamChatBackendOptions) {
    this.modelId = options.modelId ?? options.model;
    this.name = `upstream ${options.baseURL} (${options.model})`;
    this.client = new OpenAI({
      baseURL: options.baseURL,
      apiKey: options.apiKey ?? 'EMPTY',
      maxRetries: 0,
      timeout: options.requestTimeoutMs ?? 600_000,
    });
  }

  /** Always ready: the upstream's health shows in call outcomes, which the circuit breaker tracks. */
  readiness(): BackendReadiness {
    return { ready: true };
  }

  async complete(request: CompletionRequest): Promise<Completion> {
    const { signal } = request;
    if (signal?.aborted === true) throw requestAborted(`The call to ${this.name}`, signal);
    const body = this.requestBody(request);
    const idPrefix = `call_${request.messages.filter((message) => message.role === 'assistant').length}_`;
    const read = (response: unknown, logprobs: readonly TokenLogprob[] | undefined): Completion => {
      const reply = readChatCompletion(response, {
        idPrefix,
        parseTextToolCalls: this.options.parseTextToolCalls ?? true,
      });
      if (!reply.ok)
        throw new BackendError(
          'policy_bad_response',
          `${this.name}: malformed chat completion: ${reply.error}`,
        );
      return {
        message: reply.value.message,
        finishReason: reply.value.finishReason,
        usage: reply.value.usage ?? { promptTokens: 0, completionTokens: 0 },
        ...(request.logprobs === true && logprobs !== undefined ? { logprobs } : {}),
      };
    };
    if (request.onDelta !== undefined) return this.stream(body, request, read);
    let response: unknown;
    try {
      response = await this.client.chat.completions.create(
        body as unknown as OpenAI.Chat.Completions.ChatCompletionCreateParamsNonStreaming,
        { signal },
      );
    } catch (error) {
      throw upstreamError(error, { name: this.name, signal });
    }
    return read(response, responseLogprobs(response));
  }

  async close(): Promise<void> {}

  private requestBody(request: CompletionRequest): Record<string, unknown> {
    const tools = request.tools ?? [];
    const { sampling } = request;
    const optional = {
      temperature: sampling.temperature,
      top_p: sampling.topP,
      max_tokens: sampling.maxTokens,
      stop: sampling.stop !== undefined && sampling.stop.length > 0 ? [...sampling.stop] : undefined,
      seed: sampling.seed,
      logprobs: request.logprobs === true ? true : undefined,
      tools: tools.length > 0 ? tools.map(toFunctionTool) : undefined,
    };
    return {
      model: this.options.model,
      messages: toOpenAIMessages(request.messages, tools.length > 0),
      ...Object.fromEntries(Object.entries(optional).filter(([, value]) => value !== undefined)),
    };
  }

  private async stream(
    body: Record<string, unknown>,
    request: CompletionRequest,
    read: (response: unknown, logprobs: readonly TokenLogprob[]) => Completion,
  ): Promise<Completion> {
    const { signal } = request;
    let chunks: AsyncIterable<unknown>;
    try {
      chunks = await this.client.chat.completions.create(
        {
          ...body,
          stream: true,
          stream_options: { include_usage: true },
        } as OpenAI.Chat.Completions.ChatCompletionCreateParamsStreaming,
        { signal },
      );
    } catch (error) {
      throw upstreamError(error, { name: this.name, signal });
    }
    const text = new HeldBackStream({
      markers: this.options.parseTextToolCalls === false ? [] : TOOL_CALL_MARKERS,
      onDelta: request.onDelta ?? (() => {}),
    });
    const collected = new ChunkAccumulator();
    try {
      for await (const chunk of chunks) {
        const added = collected.add(chunk);
        if (!added.ok)
          throw new BackendError('policy_bad_response', `${this.name}: malformed stream ${added.error}`);
        text.update(collected.content);
        if (text.error !== undefined) throw text.error.error;
      }
    } catch (error) {
      // The caller's own onDelta failing is not the upstream's fault: it propagates as it is.
      if (text.error !== undefined && error === text.error.error) throw error;
      throw upstreamError(error, { name: this.name, signal, midStream: true });
    }
    // The client ends the stream quietly when the signal aborts.
    if (signal?.aborted === true) throw requestAborted(`The call to ${this.name}`, signal);
    const completion = read(collected.body(), collected.logprobs);
    await text.finish(completion.message.content);
    return completion;
  }
}

/** The logprobs of a non-streamed response's first choice, when it has them. */
function responseLogprobs(response: unknown): TokenLogprob[] | undefined {
  const parsed = LogprobsSchema.safeParse(response);
  const content = parsed.success ? parsed.data.choices[0].logprobs?.content : undefined;
  return content?.map(toTokenLogprob) ?? undefined;
}
