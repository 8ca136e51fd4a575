// A text-level policy behind any OpenAI-compatible chat-completions endpoint (OpenAI, vLLM, SGLang,
// llama.cpp) through the official `openai` client; we own retries, so the client's are turned off.

import { setTimeout as sleep } from 'node:timers/promises';
import OpenAI, { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from 'openai';
import type { ErrorCode } from '../error-catalogue.js';
import { toFunctionTool } from '../conversation/tool-definition.js';
import { AgentError, PolicyError } from './agent-error.js';
import { readChatCompletion, toOpenAIMessages } from './openai-chat-format.js';
import type { Policy, PolicyOutput, PolicyRequest } from './policy.js';
import {
  backoffDelayMs,
  resolveRetryOptions,
  retryAfterMs,
  type ResolvedRetryOptions,
  type RetryOptions,
} from './retry-backoff.js';

/** One retry about to happen: which attempt failed, why, and how long we wait. */
export type RetryEvent = {
  /** 1-based number of the attempt that failed. */
  readonly attempt: number;
  readonly code: ErrorCode;
  readonly status?: number;
  readonly delayMs: number;
  /** Whether the delay is the server's Retry-After rather than our backoff. */
  readonly retryAfter: boolean;
};

/** Options of an OpenAI-compatible policy. */
export type OpenAICompatiblePolicyOptions = {
  /** Base URL of the API, e.g. `http://127.0.0.1:8000/v1`. */
  readonly baseURL: string;
  /** Bearer token; default `'EMPTY'` (what vLLM and llama.cpp accept). */
  readonly apiKey?: string;
  readonly model: string;
  readonly temperature?: number;
  /** `max_tokens` of each request; the endpoint's default when absent. */
  readonly maxTokens?: number;
  /** Time limit of each attempt. Default 60 000 ms. */
  readonly timeoutMs?: number;
  readonly retry?: RetryOptions;
  /** Parse `<tool_call>` blocks in replies without API `tool_calls`. Default true. */
  readonly parseTextToolCalls?: boolean;
  /** Extra request fields (`seed`, `top_p`, `stop` …), sent as given. */
  readonly extraBody?: Readonly<Record<string, unknown>>;
  /** Called before each retry (logging, metrics); awaited. */
  readonly onRetry?: (event: RetryEvent) => void | PromiseLike<void>;
  /** Source of jitter in [0, 1). Default Math.random. */
  readonly random?: () => number;
  readonly name?: string;
};

type AttemptFailure = {
  readonly code: ErrorCode;
  readonly retryable: boolean;
  readonly status?: number;
  readonly headers?: Headers;
  readonly message: string;
};

/**
 * A Policy over chat completions. Retries 408, 429, 5xx, timeouts and connection errors with
 * exponential backoff and jitter, waiting what Retry-After asks; fails with PolicyError
 * ('policy_timeout' | 'policy_rate_limited' | 'policy_unavailable' | 'policy_request_rejected' |
 * 'policy_bad_response') or AgentError('request_aborted') when the signal aborts.
 */
export class OpenAICompatiblePolicy implements Policy {
  readonly name: string;
  readonly supportsNativeTools = true;
  private readonly client: OpenAI;
  private readonly retry: ResolvedRetryOptions;
  private readonly timeoutMs: number;

  constructor(private readonly options: OpenAICompatiblePolicyOptions) {
    this.name = options.name ?? `openai:${options.model}`;
    this.retry = resolveRetryOptions(options.retry);
    this.timeoutMs = options.timeoutMs ?? 60_000;
    this.client = new OpenAI({
      baseURL: options.baseURL,
      apiKey: options.apiKey ?? 'EMPTY',
      maxRetries: 0,
      timeout: this.timeoutMs,
    });
  }

  /** Stateless across conversations, so a fork is the policy itself. */
  fork(): OpenAICompatiblePolicy {
    return this;
  }

  async generate(request: PolicyRequest): Promise<PolicyOutput> {
    const tools = request.tools ?? [];
    const body: Record<string, unknown> = {
      ...this.options.extraBody,
      model: this.options.model,
      messages: toOpenAIMessages(request.messages, tools.length > 0),
      ...(this.options.temperature === undefined ? {} : { temperature: this.options.temperature }),
      ...(this.options.maxTokens === undefined ? {} : { max_tokens: this.options.maxTokens }),
      ...(tools.length > 0 ? { tools: tools.map(toFunctionTool) } : {}),
    };
    const { response, attempts } = await this.send(body, request.signal);
    const assistantTurns = request.messages.filter((message) => message.role === 'assistant').length;
    const reply = readChatCompletion(response, {
      idPrefix: `call_${assistantTurns}_`,
      parseTextToolCalls: this.options.parseTextToolCalls ?? true,
    });
    if (!reply.ok) {
      throw new PolicyError(
        'policy_bad_response',
        `${this.name}: malformed chat completion: ${reply.error}`,
        {
          attempts,
        },
      );
    }
    return { ...reply.value, attempts };
  }

  private async send(body: Record<string, unknown>, signal: AbortSignal | undefined) {
    const params = body as unknown as OpenAI.Chat.Completions.ChatCompletionCreateParamsNonStreaming;
    for (let attempt = 1; ; attempt++) {
      throwIfAborted(signal, attempt - 1);
      let failure: AttemptFailure;
      try {
        const response: unknown = await this.client.chat.completions.create(params, {
          signal,
          timeout: this.timeoutMs,
          maxRetries: 0,
        });
        return { response, attempts: attempt };
      } catch (error) {
        throwIfAborted(signal, attempt, error);
        failure = classify(error, this.timeoutMs);
        if (!failure.retryable || attempt > this.retry.maxRetries) {
          const tries = attempt === 1 ? '1 attempt' : `${attempt} attempts`;
          throw new PolicyError(failure.code, `${this.name}: ${failure.message} (after ${tries})`, {
            cause: error,
            status: failure.status,
            attempts: attempt,
          });
        }
      }
      const serverDelay = retryAfterMs(failure.headers);
      if (serverDelay !== undefined && serverDelay > this.retry.maxRetryAfterMs) {
        throw new PolicyError(
          failure.code,
          `${this.name}: the server asks to retry after ${serverDelay} ms, more than maxRetryAfterMs ${this.retry.maxRetryAfterMs}`,
          { status: failure.status, attempts: attempt },
        );
      }
      const delayMs = serverDelay ?? backoffDelayMs(attempt, this.retry, this.options.random ?? Math.random);
      await this.options.onRetry?.({
        attempt,
        code: failure.code,
        status: failure.status,
        delayMs,
        retryAfter: serverDelay !== undefined,
      });
      try {
        await sleep(delayMs, undefined, { signal });
      } catch (error) {
        throwIfAborted(signal, attempt, error);
        throw error;
      }
    }
  }
}

/** What an attempt's error means: its code, and whether another attempt may succeed. */
function classify(error: unknown, timeoutMs: number): AttemptFailure {
  if (error instanceof APIConnectionTimeoutError) {
    return { code: 'policy_timeout', retryable: true, message: `no response within ${timeoutMs} ms` };
  }
  if (error instanceof APIConnectionError) {
    return { code: 'policy_unavailable', retryable: true, message: `connection failed: ${error.message}` };
  }
  if (error instanceof APIError && error.status !== undefined) {
    const { status, headers } = error;
    const message = `HTTP ${status}: ${error.message}`;
    if (status === 429) return { code: 'policy_rate_limited', retryable: true, status, headers, message };
    if (status === 408) return { code: 'policy_timeout', retryable: true, status, headers, message };
    if (status >= 500) return { code: 'policy_unavailable', retryable: true, status, headers, message };
    return { code: 'policy_request_rejected', retryable: false, status, headers, message };
  }
  return { code: 'policy_bad_response', retryable: false, message: `unreadable response: ${String(error)}` };
}

function throwIfAborted(signal: AbortSignal | undefined, attempts: number, cause?: unknown): void {
  if (signal?.aborted === true || cause instanceof APIUserAbortError) {
    throw new AgentError('request_aborted', `The policy request was aborted after ${attempts} attempt(s).`, {
      cause: cause ?? signal?.reason,
    });
  }
}
