// An LLM judge that scores a whole group of trajectories in one chat-completions call (RULER-style
// relative scoring), with retries, a content-hash cache, and loud failure on malformed output.

import OpenAI from 'openai';
import type { z } from 'zod';
import { RewardError } from '../../errors.js';
import type { Logger } from '../../observability/logger.js';
import { assertRewardName } from '../define-reward.js';
import type { GroupRewardFunction } from '../group-reward-function.js';
import type { RewardContext } from '../reward-function.js';
import { createJudgeCache, judgeCacheKey, type JudgeCache, type JudgeVerdictEntry } from './judge-cache.js';
import { GroupJudgeConfigSchema } from './judge-config.js';
import { parseJudgeOutput } from './judge-output.js';
import { buildJudgePrompt, JUDGE_PROMPT_VERSION, serialiseConversation } from './judge-prompt.js';
import { withRetries, type RetryDecision } from './judge-retry.js';

/** Options of `createGroupJudge`: the settings of `GroupJudgeConfigSchema`, plus runtime hooks. */
export type GroupJudgeOptions = z.input<typeof GroupJudgeConfigSchema> & {
  /** Receives cache hits, requests and retries. */
  readonly logger?: Logger;
  /** Uniform [0, 1) draws for retry jitter; defaults to Math.random. */
  readonly random?: () => number;
};

/** The judge's verdict on a group, in input order. */
export type GroupJudgeVerdict = JudgeVerdictEntry & {
  /** True when the verdict came from the cache and no request was made. */
  readonly cached: boolean;
};

/** A group reward backed by an LLM judge; `judge` also returns the explanations. */
export interface GroupJudge<TState = unknown> extends GroupRewardFunction<TState> {
  judge(contexts: readonly RewardContext<TState>[]): Promise<GroupJudgeVerdict>;
}

/**
 * A group judge. Rejects with RewardError: 'judge_malformed_output' for an answer that is not
 * exactly one score in [0, 1] per trajectory, 'judge_timeout' or 'judge_request_failed' once
 * retries are spent (or at once for a non-transient error such as 401), 'judge_cache_corrupt' for
 * a bad cache file. Throws RewardError('invalid_argument') for invalid settings.
 */
export function createGroupJudge<TState = unknown>(options: GroupJudgeOptions): GroupJudge<TState> {
  const { logger, random = Math.random, ...settings } = options;
  const parsed = GroupJudgeConfigSchema.safeParse(settings);
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (issue) => `${issue.path.join('.') || 'options'}: ${issue.message}`,
    );
    throw new RewardError('invalid_argument', `invalid group judge settings: ${problems.join('; ')}`);
  }
  const config = parsed.data;
  assertRewardName(config.name);
  const client = new OpenAI({
    baseURL: config.baseURL,
    apiKey: config.apiKey === '' ? 'no-key' : config.apiKey,
    timeout: config.timeoutMs,
    maxRetries: 0, // retries are ours: counted, logged and jittered the same way for every server
  });
  const cache: JudgeCache | undefined = config.cache
    ? createJudgeCache({
        maxEntries: config.cacheMaxEntries,
        ...(config.cacheDirectory === '' ? {} : { directory: config.cacheDirectory }),
      })
    : undefined;
  const inFlight = new Map<string, Promise<JudgeVerdictEntry>>();

  async function request(
    contexts: readonly RewardContext<TState>[],
    key: string,
  ): Promise<JudgeVerdictEntry> {
    const trajectories = contexts.map((context) => context.trajectory);
    const prompt = buildJudgePrompt({ ...config, trajectories, shuffleKey: key });
    const completion = await withRetries(
      () =>
        client.chat.completions.create({
          model: config.model,
          messages: [...prompt.messages],
          temperature: config.temperature,
          ...(config.responseFormat === 'json_object'
            ? { response_format: { type: 'json_object' as const } }
            : {}),
        }),
      {
        maxRetries: config.maxRetries,
        baseDelayMs: config.retryBaseDelayMs,
        maxDelayMs: config.retryMaxDelayMs,
        random,
        classify,
        onRetry: (error, attempt, delayMs) =>
          logger?.warn(
            { reward: config.name, attempt, delayMs, err: error },
            'judge request failed; retrying',
          ),
      },
    ).catch((error: unknown) => {
      throw requestFailure(error, config.maxRetries, config.baseURL);
    });
    const text = completion.choices?.[0]?.message?.content;
    if (typeof text !== 'string') {
      throw new RewardError(
        'judge_malformed_output',
        `judge "${config.name}" answered without message content`,
      );
    }
    const output = parseJudgeOutput(text, prompt.ids);
    if (!output.ok)
      throw new RewardError('judge_malformed_output', `judge "${config.name}": ${output.error}`);
    const scores = new Array<number>(contexts.length);
    const explanations = new Array<string>(contexts.length);
    output.value.forEach((verdict, position) => {
      scores[prompt.order[position]] = verdict.score;
      explanations[prompt.order[position]] = verdict.explanation;
    });
    const entry = { scores, explanations };
    await cache?.set(key, entry);
    return entry;
  }

  async function judge(contexts: readonly RewardContext<TState>[]): Promise<GroupJudgeVerdict> {
    if (contexts.length === 0) return { scores: [], explanations: [], cached: false };
    const conversations = contexts.map((context) =>
      serialiseConversation(context.trajectory, { maxMessageChars: config.maxMessageChars }),
    );
    const key = judgeCacheKey({ promptVersion: JUDGE_PROMPT_VERSION, ...config, conversations });
    const hit = await cache?.get(key);
    if (hit !== undefined && hit.scores.length !== contexts.length) {
      throw new RewardError(
        'judge_cache_corrupt',
        `judge cache entry ${key} has ${hit.scores.length} scores for ${contexts.length} trajectories`,
      );
    }
    if (hit !== undefined) {
      logger?.debug({ reward: config.name, key }, 'judge cache hit');
      return { ...hit, cached: true };
    }
    let pending = inFlight.get(key);
    if (pending === undefined) {
      logger?.debug({ reward: config.name, key, group: contexts.length }, 'judge request');
      pending = request(contexts, key).finally(() => inFlight.delete(key));
      inFlight.set(key, pending);
    }
    return { ...(await pending), cached: false };
  }

  return {
    name: config.name,
    judge,
    scoreGroup: async (contexts) => (await judge(contexts)).scores,
  };
}

/** 429, 408, 409, 5xx, timeouts and dropped connections are transient; other API errors are not. */
function classify(error: unknown): RetryDecision {
  if (error instanceof OpenAI.APIConnectionError) return { retry: true }; // includes timeouts
  if (error instanceof OpenAI.APIError && typeof error.status === 'number') {
    const retry = error.status === 408 || error.status === 409 || error.status === 429 || error.status >= 500;
    const header = error.headers?.get('retry-after');
    const seconds = header === null || header === undefined ? Number.NaN : Number(header);
    return Number.isFinite(seconds) ? { retry, retryAfterMs: seconds * 1000 } : { retry };
  }
  return { retry: false };
}

function requestFailure(error: unknown, maxRetries: number, baseURL: string): RewardError {
  const message = error instanceof Error ? error.message : String(error);
  const attempts = classify(error).retry ? `after ${maxRetries + 1} attempts` : 'not retried';
  if (error instanceof OpenAI.APIConnectionTimeoutError) {
    return new RewardError('judge_timeout', `judge at ${baseURL} timed out (${attempts})`, { cause: error });
  }
  return new RewardError(
    'judge_request_failed',
    `judge request to ${baseURL} failed (${attempts}): ${message}`,
    {
      cause: error,
    },
  );
}
