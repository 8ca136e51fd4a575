// Drives POST /v1/chat/completions with a fixed request from `concurrency` clients in a closed loop
// (each sends its next request when the last one has answered), after unmeasured warm-up requests.

import { ErrorTally, requestJson } from './http-client.js';

/** Options of `driveChatCompletions`. */
export type ChatCompletionsLoadOptions = {
  readonly baseUrl: string;
  readonly apiKey?: string;
  /** The request body sent every time. */
  readonly body: unknown;
  /** Measured requests in all. */
  readonly requests: number;
  /** Requests sent before measuring (connections, compiled graphs, JIT). */
  readonly warmup: number;
  readonly concurrency: number;
};

/** Latencies of the successful measured requests, the tokens each reply had, and the failures. */
export type ChatCompletionsLoad = {
  readonly latenciesMs: number[];
  readonly completionTokens: number[];
  readonly errors: ErrorTally;
  /** Wall seconds of the measured part. */
  readonly seconds: number;
};

type CompletionBody = {
  choices?: { message?: { content?: unknown } }[];
  usage?: { completion_tokens?: number };
};

/** Runs the warm-up, then the measured requests; a non-200 reply or one without a message is an error. */
export async function driveChatCompletions(
  options: ChatCompletionsLoadOptions,
): Promise<ChatCompletionsLoad> {
  const url = `${options.baseUrl}/v1/chat/completions`;
  const send = () => requestJson({ method: 'POST', url, apiKey: options.apiKey, body: options.body });
  const warmupErrors = new ErrorTally();
  for (let i = 0; i < options.warmup; i++) {
    const response = await send();
    if (response.status !== 200) warmupErrors.add(`warm-up http ${response.status}`, response.body);
  }
  if (warmupErrors.total > 0) throw new Error(`warm-up failed: ${warmupErrors.examples.join('\n')}`);
  const result: ChatCompletionsLoad = {
    latenciesMs: [],
    completionTokens: [],
    errors: new ErrorTally(),
    seconds: 0,
  };
  let remaining = options.requests;
  const started = performance.now();
  const client = async () => {
    while (remaining > 0) {
      remaining--;
      try {
        const response = await send();
        const body = response.body as CompletionBody;
        if (response.status !== 200) result.errors.add(`http ${response.status}`, response.body);
        else if (typeof body.choices?.[0]?.message?.content !== 'string')
          result.errors.add('no message', response.body);
        else {
          result.latenciesMs.push(response.ms);
          result.completionTokens.push(body.usage?.completion_tokens ?? Number.NaN);
        }
      } catch (error) {
        result.errors.add(`network: ${error instanceof Error ? error.message : String(error)}`, '');
      }
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, client));
  return { ...result, seconds: (performance.now() - started) / 1000 };
}
