// Policy violations: rules that inspect the agent's messages and tool calls and describe what they
// break; the reward falls with each violation (or drops to 0 at the first, in binary mode).

import type { AssistantMessage, ToolCall } from '../conversation/messages.js';
import type { Trajectory } from '../conversation/trajectory.js';
import { RewardError } from '../errors.js';
import { defineReward } from './define-reward.js';
import type { RewardFunction } from './reward-function.js';
import { assistantMessages } from './trajectory-views.js';

/** Where a rule is looking: the trajectory and the index of the assistant message in question. */
export type PolicyRuleInput = { readonly trajectory: Trajectory; readonly messageIndex: number };

/** A policy rule; each hook returns a description of the violation, or `undefined` when there is none. */
export type PolicyRule = {
  readonly name: string;
  /** Called for every assistant message. */
  readonly checkMessage?: (message: AssistantMessage, input: PolicyRuleInput) => string | undefined;
  /** Called for every tool call the assistant made. */
  readonly checkToolCall?: (call: ToolCall, input: PolicyRuleInput) => string | undefined;
};

/** One violation: which rule, where, and what it says. */
export type PolicyViolation = {
  readonly rule: string;
  readonly messageIndex: number;
  readonly description: string;
};

/** Options of `policyViolations`. */
export type PolicyViolationsOptions = {
  /** Reward name; defaults to 'policy'. */
  readonly name?: string;
  readonly rules: readonly PolicyRule[];
  /** 'penalty' (default): max(0, 1 − penalty · violations). 'binary': 1 with none, else 0. */
  readonly mode?: 'penalty' | 'binary';
  /** Deducted per violation in 'penalty' mode, in (0, 1]; defaults to 0.5. */
  readonly penalty?: number;
};

/** Every violation of `rules` in the assistant's messages and tool calls, in conversation order. */
export function findPolicyViolations(
  trajectory: Trajectory,
  rules: readonly PolicyRule[],
): PolicyViolation[] {
  const violations: PolicyViolation[] = [];
  for (const { message, messageIndex } of assistantMessages(trajectory)) {
    const input = { trajectory, messageIndex };
    for (const rule of rules) {
      const found = [
        rule.checkMessage?.(message, input),
        ...(message.toolCalls ?? []).map((call) => rule.checkToolCall?.(call, input)),
      ];
      for (const description of found) {
        if (description !== undefined) violations.push({ rule: rule.name, messageIndex, description });
      }
    }
  }
  return violations;
}

/** A reward of 1 for no violations, lowered per violation; throws RewardError('invalid_argument') for bad options. */
export function policyViolations<TState = unknown>(options: PolicyViolationsOptions): RewardFunction<TState> {
  const { rules } = options;
  const mode = options.mode ?? 'penalty';
  const penalty = options.penalty ?? 0.5;
  if (mode !== 'penalty' && mode !== 'binary') {
    throw new RewardError(
      'invalid_argument',
      `policy mode must be 'penalty' or 'binary', got ${String(mode)}`,
    );
  }
  if (!(penalty > 0 && penalty <= 1)) {
    throw new RewardError('invalid_argument', `policy penalty must be in (0, 1], got ${penalty}`);
  }
  if (rules.length === 0)
    throw new RewardError('invalid_argument', 'policyViolations needs at least one rule');
  return defineReward<TState>({
    name: options.name ?? 'policy',
    score({ trajectory }) {
      const count = findPolicyViolations(trajectory, rules).length;
      if (mode === 'binary') return count === 0 ? 1 : 0;
      return Math.max(0, 1 - penalty * count);
    },
  });
}
