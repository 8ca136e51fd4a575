// A simulated user played by an LLM behind any OpenAI-compatible chat completions endpoint, with
// τ-bench's user rules (Yao et al. 2024, arXiv:2406.12045, tau_bench/envs/user.py) as its prompt.

import OpenAI, { APIConnectionError, APIError, APIUserAbortError } from 'openai';
import { EnvironmentError } from '../../errors.js';
import { sleep } from '../abortable.js';
import { errorText } from '../run-tool-call.js';
import {
  isStopMessage,
  type SimulatedUser,
  type UserOpenOptions,
  type UserReply,
  type UserReplyOptions,
} from './simulated-user.js';

/** The agent's greeting that the simulated user answers first (τ-bench's). */
export const DEFAULT_GREETING = 'Hi! How can I help you today?';

/** Options of the LlmUser constructor. */
export type LlmUserOptions = {
  /** The task instruction: who the user is, what they want, what they know. */
  readonly instruction: string;
  /** Base URL of the endpoint, e.g. `http://127.0.0.1:8000/v1`. */
  readonly baseURL: string;
  readonly model: string;
  /** Default 'none' (local servers rarely check it). */
  readonly apiKey?: string;
  /** Sampling temperature; default 0 (τ-bench's). */
  readonly temperature?: number;
  /** Passed to the endpoint as `seed` when given, for servers that honour it. */
  readonly seed?: number;
  /** Per-request timeout; default 60 000 ms. */
  readonly timeoutMs?: number;
  /** Retries after a timeout, connection error, 408, 409, 429, 5xx or empty reply; default 2. */
  readonly maxRetries?: number;
  /** First backoff; doubles after each retry; default 500 ms. */
  readonly retryDelayMs?: number;
  /** Default `DEFAULT_GREETING`. */
  readonly greeting?: string;
};

type ChatMessage = { readonly role: 'system' | 'user' | 'assistant'; readonly content: string };

/** τ-bench's user system prompt for an instruction. */
export function tauUserSystemPrompt(instruction: string): string {
  return [
    'You are a user interacting with an agent.',
    '',
    `Instruction: ${instruction}`,
    'Rules:',
    "- Just generate one line at a time to simulate the user's message.",
    '- Do not give away all the instruction at once. Only provide the information that is necessary for the current step.',
    '- Do not hallucinate information that is not provided in the instruction. For example, if the agent asks for the order id but it is not mentioned in the instruction, do not make up an order id, just say you do not remember or have it.',
    "- If the instruction goal is satisified, generate '###STOP###' as a standalone message without anything else to end the conversation.",
    '- Do not repeat the exact instruction in the conversation. Instead, use your own words to convey the same information.',
    '- Try to make the conversation as natural as possible, and stick to the personalities in the instruction.',
  ].join('\n');
}

/** A SimulatedUser that asks an LLM for each reply; the roles are flipped (the agent is its "user"). */
export class LlmUser implements SimulatedUser {
  private readonly options: LlmUserOptions;
  private readonly client: OpenAI;
  private readonly history: ChatMessage[];

  constructor(options: LlmUserOptions) {
    this.options = options;
    // Retries are ours (see `complete`), so the client's own are off.
    this.client = new OpenAI({
      baseURL: options.baseURL,
      apiKey: options.apiKey ?? 'none',
      maxRetries: 0,
      timeout: options.timeoutMs ?? 60_000,
    });
    this.history = [{ role: 'system', content: tauUserSystemPrompt(options.instruction) }];
  }

  /** The first message, answering the greeting. */
  open(options?: UserOpenOptions): Promise<UserReply> {
    return this.turn(this.options.greeting ?? DEFAULT_GREETING, options?.signal);
  }

  /** The reply to the agent's latest text. */
  reply(options: UserReplyOptions): Promise<UserReply> {
    return this.turn(options.agentMessage, options.signal);
  }

  private async turn(agentText: string, signal: AbortSignal | undefined): Promise<UserReply> {
    this.history.push({ role: 'user', content: agentText });
    const content = await this.complete(signal);
    this.history.push({ role: 'assistant', content });
    return { content, stop: isStopMessage(content) };
  }

  private async complete(signal: AbortSignal | undefined): Promise<string> {
    const maxRetries = this.options.maxRetries ?? 2;
    let delay = this.options.retryDelayMs ?? 500;
    for (let attempt = 0; ; attempt++) {
      try {
        const completion = await this.client.chat.completions.create(
          {
            model: this.options.model,
            messages: this.history.map((message) => ({ role: message.role, content: message.content })),
            temperature: this.options.temperature ?? 0,
            ...(this.options.seed === undefined ? {} : { seed: this.options.seed }),
          },
          { signal },
        );
        const content = completion.choices[0]?.message?.content?.trim() ?? '';
        if (content.length === 0) throw new EmptyReplyError('the endpoint returned an empty reply');
        return content;
      } catch (error) {
        if (error instanceof APIUserAbortError || signal?.aborted) throw signal?.reason ?? error;
        if (!isRetryable(error) || attempt >= maxRetries) {
          throw new EnvironmentError(
            'user_simulator_failed',
            `simulated user at ${this.options.baseURL} failed after ${attempt + 1} attempt(s): ${errorText(error)}`,
            { cause: error },
          );
        }
        await sleep(delay, signal);
        delay *= 2;
      }
    }
  }
}

class EmptyReplyError extends Error {}

function isRetryable(error: unknown): boolean {
  if (error instanceof EmptyReplyError || error instanceof APIConnectionError) return true;
  if (error instanceof APIError && error.status !== undefined) {
    return error.status === 408 || error.status === 409 || error.status === 429 || error.status >= 500;
  }
  return false;
}
