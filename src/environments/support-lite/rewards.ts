// support-lite's reward parts, each a function of the trajectory and the final state: the right
// tool, the right arguments, the right final answer (and effect), the policy kept, and brevity.
// Policy and brevity are gated (policy on a required tool called, brevity on the right answer), so
// that doing nothing scores 0: RL from a weak start otherwise drifts towards saying little.

import type { ToolCall } from '../../conversation/messages.js';
import type { Trajectory } from '../../conversation/trajectory.js';
import { EnvironmentError } from '../../errors.js';
import type { SupportLiteState } from './environment.js';
import type { SupportLiteScenario } from './scenarios.js';
import { orderOf } from './tools.js';

/** What each part scores: a trajectory and its final state (the RewardContext shape of src/rewards). */
export type SupportLiteOutcome = {
  readonly trajectory: Trajectory;
  readonly finalState?: SupportLiteState;
};

/** A final answer longer than this loses brevity in proportion. */
export const BRIEF_ANSWER_CHARS = 120;

const STATUS_WORDS = ['pending', 'processed', 'delivered', 'cancelled'];

/** Every tool call the agent made, in order. */
export function toolCallsOf(trajectory: Trajectory): ToolCall[] {
  return trajectory.messages.flatMap((message) =>
    message.role === 'assistant' ? (message.toolCalls ?? []) : [],
  );
}

/** The last assistant message with text and no tool calls, or '' when there is none. */
export function finalAnswerOf(trajectory: Trajectory): string {
  for (let index = trajectory.messages.length - 1; index >= 0; index--) {
    const message = trajectory.messages[index];
    if (
      message.role === 'assistant' &&
      (message.toolCalls?.length ?? 0) === 0 &&
      message.content.trim() !== ''
    ) {
      return message.content;
    }
  }
  return '';
}

/** The tools a correct agent calls: the lookup, and the cancellation when the order is pending. */
export function requiredTools(scenario: SupportLiteScenario): readonly string[] {
  return scenario.shouldCancel ? ['get_order_details', 'cancel_pending_order'] : ['get_order_details'];
}

/** Jaccard similarity of the tools called and the tools required: 1 exactly when they are the same set. */
export function rightTool(outcome: SupportLiteOutcome): number {
  const required = new Set(requiredTools(stateOf(outcome).scenario));
  const called = new Set(toolCallsOf(outcome.trajectory).map((call) => call.name));
  const union = new Set([...required, ...called]);
  const both = [...required].filter((name) => called.has(name)).length;
  return both / union.size;
}

/** Share of calls to the required tools whose arguments are right (order id; reason for a cancellation); 0 with none. */
export function rightArguments(outcome: SupportLiteOutcome): number {
  const { scenario } = stateOf(outcome);
  const required = new Set(requiredTools(scenario));
  const calls = toolCallsOf(outcome.trajectory).filter((call) => required.has(call.name));
  if (calls.length === 0) return 0;
  const right = calls.filter(
    (call) =>
      call.arguments.order_id === scenario.orderId &&
      (call.name !== 'cancel_pending_order' || call.arguments.reason === scenario.reason),
  );
  return right.length / calls.length;
}

/**
 * 1 when the final answer states the asked fact (the status and no other, every item name, the
 * street and city), or for a cancellation, when the order ended cancelled and the answer says so, or
 * ended unchanged and the answer refuses ("cannot", "can't", "unable"); else 0. Case-insensitive.
 */
export function rightAnswer(outcome: SupportLiteOutcome): number {
  const state = stateOf(outcome);
  const { scenario } = state;
  const answer = finalAnswerOf(outcome.trajectory).toLowerCase();
  const has = (text: string) => answer.includes(text.toLowerCase());
  const finalStatus = orderOf(state.world, scenario.orderId)?.status;
  switch (scenario.intent) {
    case 'status':
      return has(scenario.status) && STATUS_WORDS.every((word) => word === scenario.status || !has(word))
        ? 1
        : 0;
    case 'items':
      return scenario.itemNames.every(has) ? 1 : 0;
    case 'address':
      return has(scenario.address.address1) && has(scenario.address.city) ? 1 : 0;
    case 'cancel':
      return scenario.shouldCancel
        ? finalStatus === 'cancelled' && has('cancel')
          ? 1
          : 0
        : finalStatus === scenario.status && /cannot|can't|can not|unable/.test(answer)
          ? 1
          : 0;
  }
}

/** What `partialFactCredit` gives a wrong answer per share of the asked words it contains. */
export const PARTIAL_FACT_CREDIT = 0.5;

/** Lower-cased words (runs of letters and digits) of a text. */
function wordsOf(text: string): string[] {
  return text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
}

/**
 * `rightAnswer` with partial credit for the questions whose answer copies several words from the
 * tool result (items, address): a wrong answer earns PARTIAL_FACT_CREDIT × the share of the asked
 * words (every item name's, or the street address's and city's) that it contains, so that copying
 * more of them is worth more before the whole answer is right. Status and cancellation answers get
 * no partial credit. A training reward (`train --answer-credit partial_facts`); evaluation scores
 * `rightAnswer`, and only an exactly right answer scores 1.
 */
export function partialFactCredit(outcome: SupportLiteOutcome): number {
  if (rightAnswer(outcome) === 1) return 1;
  const { scenario } = stateOf(outcome);
  const asked =
    scenario.intent === 'items'
      ? scenario.itemNames.flatMap(wordsOf)
      : scenario.intent === 'address'
        ? wordsOf(`${scenario.address.address1} ${scenario.address.city}`)
        : [];
  if (asked.length === 0) return 0;
  const said = new Set(wordsOf(finalAnswerOf(outcome.trajectory)));
  return (PARTIAL_FACT_CREDIT * asked.filter((word) => said.has(word)).length) / asked.length;
}

/**
 * 1 when the agent acted (called at least one of the required tools) and never called
 * cancel_pending_order on anything but a pending order the customer asked to cancel; else 0.
 * Gated on acting so that a conversation that calls no tool earns nothing for "breaking no rule".
 */
export function policyRespected(outcome: SupportLiteOutcome): number {
  const { scenario } = stateOf(outcome);
  const calls = toolCallsOf(outcome.trajectory);
  const required = new Set(requiredTools(scenario));
  if (!calls.some((call) => required.has(call.name))) return 0;
  const violation = calls.some(
    (call) =>
      call.name === 'cancel_pending_order' &&
      !(scenario.shouldCancel && call.arguments.order_id === scenario.orderId),
  );
  return violation ? 0 : 1;
}

/**
 * For a right answer, fewer turns and a short answer: min(1, ideal / turns) · min(1,
 * BRIEF_ANSWER_CHARS / answer length), where ideal = required tool calls + one question for a
 * missing order id + the answer; 0 when `rightAnswer` is 0 (a short wrong answer is not brief, it is wrong).
 */
export function brevity(outcome: SupportLiteOutcome): number {
  if (rightAnswer(outcome) === 0) return 0;
  const ideal = requiredTools(stateOf(outcome).scenario).length + 2;
  const turns = Math.max(1, outcome.trajectory.turns.length);
  const length = finalAnswerOf(outcome.trajectory).length;
  return Math.min(1, ideal / turns) * Math.min(1, BRIEF_ANSWER_CHARS / Math.max(1, length));
}

/**
 * The parts by name, with their weights in `supportLiteScore` (they sum to 1). With the gates of
 * policy and brevity, a conversation that calls no required tool and answers wrongly scores 0; a
 * success (total ≥ 0.9) needs the right answer and a required tool, so the gates change no success.
 */
export const SUPPORT_LITE_REWARD_PARTS = [
  { name: 'right_tool', weight: 0.2, score: rightTool },
  { name: 'right_arguments', weight: 0.2, score: rightArguments },
  { name: 'right_answer', weight: 0.4, score: rightAnswer },
  { name: 'policy', weight: 0.1, score: policyRespected },
  { name: 'brevity', weight: 0.1, score: brevity },
] as const;

/** How training can score support-lite's answers: 'exact' as evaluation does, or with `partialFactCredit`. */
export const ANSWER_CREDITS = ['exact', 'partial_facts'] as const;

/** One of ANSWER_CREDITS. */
export type AnswerCredit = (typeof ANSWER_CREDITS)[number];

/**
 * The parts a training run's rubric uses: SUPPORT_LITE_REWARD_PARTS, with `right_answer` scored by
 * `partialFactCredit` (same name and weight) under 'partial_facts'.
 */
export function supportLiteTrainingParts(credit: AnswerCredit): (typeof SUPPORT_LITE_REWARD_PARTS)[number][] {
  return SUPPORT_LITE_REWARD_PARTS.map((part) =>
    credit === 'partial_facts' && part.name === 'right_answer' ? { ...part, score: partialFactCredit } : part,
  );
}

/** The weighted total of the parts, and each part. */
export function supportLiteScore(outcome: SupportLiteOutcome): {
  readonly total: number;
  readonly parts: Readonly<Record<string, number>>;
} {
  const parts: Record<string, number> = {};
  let total = 0;
  for (const part of SUPPORT_LITE_REWARD_PARTS) {
    parts[part.name] = part.score(outcome);
    total += part.weight * parts[part.name];
  }
  return { total, parts };
}

function stateOf(outcome: SupportLiteOutcome): SupportLiteState {
  if (outcome.finalState === undefined) {
    throw new EnvironmentError('invalid_argument', 'support-lite rewards need the episode final state');
  }
  return outcome.finalState;
}
