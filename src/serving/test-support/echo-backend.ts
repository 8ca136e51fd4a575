// A deterministic ChatBackend for testing the HTTP layer: it answers with the last user message
// reversed, one character (= one token) at a time, and follows a few plain-text commands.
//   "call <tool> <json>"   → a tool call (when the request offers that tool)
//   "fail <code>"          → throws StatesetError(<code>) before any text (any other word: a plain Error)
//   "fail-midway <code>"   → streams half the reversed text, then throws the same way
// A last message from a tool is answered "<tool> returned <content>".

import { ERROR_CATALOGUE, type ErrorCode } from '../../error-catalogue.js';
import { StatesetError } from '../../errors.js';
import type { FinishReason } from '../../agents/policy.js';
import type { AssistantMessage, Message } from '../../conversation/messages.js';
import type {
  BackendReadiness,
  ChatBackend,
  Completion,
  CompletionRequest,
  TokenLogprob,
} from '../chat-backend.js';

/** Options of `EchoBackend`. */
export type EchoBackendOptions = {
  /** Defaults to `echo`. */
  readonly modelId?: string;
  /** When set, the backend reports not ready with this reason. */
  readonly notReadyReason?: string;
};

/** Text with each code point a token: the honest tokenisation of a character-level echo. */
const tokens = (text: string): string[] => [...text];

/** The deterministic echo backend; records every request it got in `requests`. */
export class EchoBackend implements ChatBackend {
  readonly modelId: string;
  readonly requests: CompletionRequest[] = [];
  private notReadyReason: string | undefined;
  private closed = false;

  constructor(options: EchoBackendOptions = {}) {
    this.modelId = options.modelId ?? 'echo';
    this.notReadyReason = options.notReadyReason;
  }

  /** Sets (a reason) or clears (undefined) why the backend is not ready. */
  setNotReady(reason: string | undefined): void {
    this.notReadyReason = reason;
  }

  readiness(): BackendReadiness {
    if (this.closed) return { ready: false, reason: 'the echo backend is closed' };
    return this.notReadyReason === undefined
      ? { ready: true }
      : { ready: false, reason: this.notReadyReason };
  }

  async complete(request: CompletionRequest): Promise<Completion> {
    this.requests.push(request);
    if (this.closed) throw new StatesetError('model_unavailable', 'the echo backend is closed');
    const promptTokens = request.messages.reduce((sum, message) => sum + tokens(message.content).length, 0);
    const last = request.messages.at(-1);
    const command = last?.role === 'user' ? last.content : '';

    const call = /^call (\S+) (\{.*\})$/s.exec(command);
    if (call && request.tools?.some((tool) => tool.name === call[1])) {
      const message: AssistantMessage = {
        role: 'assistant',
        content: '',
        toolCalls: [
          { id: `call_echo_${request.messages.length}`, name: call[1], arguments: JSON.parse(call[2]) },
        ],
      };
      return { message, finishReason: 'tool_calls', usage: { promptTokens, completionTokens: 0 } };
    }
    const failure = /^fail(-midway)? (\w+)$/.exec(command);
    if (failure && failure[1] === undefined) throw echoFailure(failure[2]);

    let output = tokens(replyText(last));
    let finishReason: FinishReason = 'stop';
    const stopAt = firstStop(output.join(''), request.sampling.stop ?? []);
    if (stopAt !== undefined) output = tokens(output.join('').slice(0, stopAt));
    const maxTokens = request.sampling.maxTokens;
    if (maxTokens !== undefined && output.length > maxTokens) {
      output = output.slice(0, maxTokens);
      finishReason = 'length';
    }
    const failAfter = failure ? Math.floor(output.length / 2) : undefined;
    for (const [index, token] of output.entries()) {
      if (index === failAfter) throw echoFailure(failure![2]);
      if (request.signal?.aborted) throw new StatesetError('request_aborted', 'the caller went away');
      await request.onDelta?.({ content: token });
    }
    return {
      message: { role: 'assistant', content: output.join('') },
      finishReason,
      usage: { promptTokens, completionTokens: output.length },
      ...(request.logprobs === true ? { logprobs: output.map(certain) } : {}),
    };
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}

function replyText(last: Message | undefined): string {
  if (last === undefined) return '';
  if (last.role === 'tool') return `${last.name} returned ${last.content}`;
  return tokens(last.content).reverse().join('');
}

function firstStop(text: string, stops: readonly string[]): number | undefined {
  const positions = stops.map((stop) => text.indexOf(stop)).filter((position) => position >= 0);
  return positions.length === 0 ? undefined : Math.min(...positions);
}

/** A deterministic generator puts probability 1 (logprob 0) on every token it emits. */
function certain(token: string): TokenLogprob {
  return { token, logprob: 0, bytes: [...Buffer.from(token, 'utf8')] };
}

function echoFailure(word: string): Error {
  if (word in ERROR_CATALOGUE)
    return new StatesetError(word as ErrorCode, `echo backend asked to fail with ${word}`);
  return new Error(`echo backend internal failure ${word} at /secret/path`);
}
