// Argument correctness: how closely the agent's tool calls match a list of expected calls, with
// partial credit for a call to the right tool with some arguments right.

import type { ToolCall } from '../conversation/messages.js';
import { defineReward } from './define-reward.js';
import { jsonEqual } from './json-equal.js';
import type { RewardContext, RewardFunction } from './reward-function.js';
import { assistantToolCalls } from './trajectory-views.js';

/** A call the agent should make: the tool's name and its arguments (compared as JSON). */
export type ExpectedToolCall = {
  readonly name: string;
  readonly arguments: Readonly<Record<string, unknown>>;
};

/** Options of `argumentCorrectness`. */
export type ArgumentCorrectnessOptions<TState> = {
  /** Reward name; defaults to 'argument_correctness'. */
  readonly name?: string;
  /** The expected calls, or a function of the context giving them (`undefined` or `[]`: not applicable). */
  readonly expected:
    | readonly ExpectedToolCall[]
    | ((context: RewardContext<TState>) => readonly ExpectedToolCall[] | undefined);
  /**
   * 'ignore' (default): score = Σ credit / expected count. 'penalise': divide by the larger of the
   * expected count and the number of calls made to the expected tools, so repeats cost like misses.
   */
  readonly extraCalls?: 'ignore' | 'penalise';
};

/** Credit of `actual` for `expected`: 0 for another tool, else matching keys / all keys of either side. */
export function argumentCredit(
  expected: ExpectedToolCall,
  actual: Pick<ToolCall, 'name' | 'arguments'>,
): number {
  if (expected.name !== actual.name) return 0;
  const keys = new Set([...Object.keys(expected.arguments), ...Object.keys(actual.arguments)]);
  if (keys.size === 0) return 1;
  let matching = 0;
  for (const key of keys) {
    if (Object.hasOwn(expected.arguments, key) && Object.hasOwn(actual.arguments, key)) {
      if (jsonEqual(expected.arguments[key], actual.arguments[key])) matching++;
    }
  }
  return matching / keys.size;
}

/**
 * Credit of each expected call, in order. Each actual call matches at most one expected call: exact
 * matches are taken first, then each remaining expected call takes its best remaining partial match.
 */
export function matchExpectedCalls(
  expected: readonly ExpectedToolCall[],
  actual: readonly Pick<ToolCall, 'name' | 'arguments'>[],
): number[] {
  const used = new Set<number>();
  const credits = expected.map((call) => {
    const exact = actual.findIndex(
      (candidate, index) => !used.has(index) && argumentCredit(call, candidate) === 1,
    );
    if (exact === -1) return undefined;
    used.add(exact);
    return 1;
  });
  return credits.map((credit, expectedIndex) => {
    if (credit !== undefined) return credit;
    let best = 0;
    let bestIndex = -1;
    actual.forEach((candidate, index) => {
      const partial = used.has(index) ? 0 : argumentCredit(expected[expectedIndex], candidate);
      if (partial > best) [best, bestIndex] = [partial, index];
    });
    if (bestIndex !== -1) used.add(bestIndex);
    return best;
  });
}

/** Mean credit of the expected calls (see `matchExpectedCalls`); `undefined` when none are expected. */
export function argumentCorrectness<TState = unknown>(
  options: ArgumentCorrectnessOptions<TState>,
): RewardFunction<TState> {
  const { expected } = options;
  const extraCalls = options.extraCalls ?? 'ignore';
  return defineReward<TState>({
    name: options.name ?? 'argument_correctness',
    score(context) {
      const calls = typeof expected === 'function' ? expected(context) : expected;
      if (calls === undefined || calls.length === 0) return undefined;
      const actual = assistantToolCalls(context.trajectory).map(({ call }) => call);
      const credit = matchExpectedCalls(calls, actual).reduce((sum, value) => sum + value, 0);
      const expectedNames = new Set(calls.map((call) => call.name));
      const relevant = actual.filter((call) => expectedNames.has(call.name)).length;
      const denominator = extraCalls === 'penalise' ? Math.max(calls.length, relevant) : calls.length;
      return credit / denominator;
    },
  });
}
