// support-lite's scripted teacher: the expert's policy, except that in a stated fraction of
// conversations it makes one realistic mistake (see teacher-mistakes.ts), as logged human or
// legacy-bot support data does: random slips, or habits tied to situations, which imitation learns.

import type { Agent, AgentInput, AgentTurn } from '../../agents/agent.js';
import type { AssistantMessage, Message, ToolCall, ToolMessage } from '../../conversation/messages.js';
import { Rng } from '../../engine/random.js';
import { EnvironmentError } from '../../errors.js';
import type { RetailDatabase } from '../retail/retail-types.js';
import { expertTurn, intentOf } from './expert-agent.js';
import type { SupportLiteScenario } from './scenarios.js';
import { cancellingNote, expertAnswer } from './texts.js';
import {
  MISTAKE_PATTERNS,
  planMistake,
  WRONG_TOOL_NAME,
  type MistakePattern,
  type MistakePlan,
} from './teacher-mistakes.js';

/** The teacher's default share of conversations with a mistake. */
export const DEFAULT_MISTAKE_RATE = 0.3;

/** Options of the teacher. */
export type SupportLiteTeacherOptions = {
  /** The retail database: the teacher plans its mistakes from it (which ids exist, other orders). */
  readonly database: RetailDatabase;
  /**
   * In [0, 1]; default `DEFAULT_MISTAKE_RATE`. 'random': the share of conversations with one
   * mistake; 'habits': the share of habit situations in which the teacher follows its habit.
   */
  readonly mistakeRate?: number;
  /** Where mistakes fall (see `MistakePattern`); default 'random'. */
  readonly mistakePattern?: MistakePattern;
  /** Seeds the mistake draws; each fork draws from its own stream. Default 0. */
  readonly seed?: number;
  readonly name?: string;
};

const ORDER_ID = /#W\d+/;
const SUMMARY = /^order (#W\d+) \| status: (.+?) \| items: (.*) \| address: (.*), ([^,]*)$/;

/**
 * A scripted Agent that plays `expertTurn`, except in conversations where its seeded plan has a
 * mistake. The plan is drawn once per conversation, when the order id is first known. Tool-call ids
 * are `call_<assistant turns>_<index>`, as LocalPolicy and ScriptedAgent write them, so its
 * demonstrations render exactly as a local policy's own conversations do. Use one fork per
 * conversation (runEpisodes does).
 */
export class SupportLiteTeacher implements Agent {
  readonly name: string;
  private rng: Rng;
  private forks = 0;
  private planned = false;
  private plan: MistakePlan | undefined;

  constructor(private readonly options: SupportLiteTeacherOptions) {
    const rate = options.mistakeRate ?? DEFAULT_MISTAKE_RATE;
    if (!(rate >= 0 && rate <= 1)) {
      throw new EnvironmentError('invalid_argument', `mistakeRate must be in [0, 1], got ${rate}`);
    }
    const pattern = options.mistakePattern ?? 'random';
    if (!MISTAKE_PATTERNS.includes(pattern)) {
      throw new EnvironmentError(
        'invalid_argument',
        `mistakePattern must be one of ${MISTAKE_PATTERNS.join(', ')}, got ${String(pattern)}`,
      );
    }
    this.name = options.name ?? 'support-lite-teacher';
    this.rng = new Rng(options.seed ?? 0);
  }

  /** This conversation's mistake, once planned (undefined: none, or not planned yet). */
  get mistake(): MistakePlan | undefined {
    return this.plan;
  }

  async act(input: AgentInput): Promise<AgentTurn> {
    const { messages } = input;
    if (!messages.some((message) => message.role === 'assistant')) {
      this.planned = false; // a new conversation on an agent that was not forked
      this.plan = undefined;
    }
    const userTexts = messages.filter((message) => message.role === 'user').map((message) => message.content);
    const idAt = userTexts.findIndex((text) => ORDER_ID.test(text));
    const orderId = idAt < 0 ? undefined : ORDER_ID.exec(userTexts[idAt])?.[0];
    if (orderId !== undefined && !this.planned) {
      this.planned = true;
      this.plan = planMistake({
        database: this.options.database,
        intent: intentOf(userTexts[0] ?? ''),
        orderId,
        mistakeRate: this.options.mistakeRate ?? DEFAULT_MISTAKE_RATE,
        pattern: this.options.mistakePattern,
        opening: userTexts[0],
        idReply: idAt > 0 ? userTexts[idAt] : undefined,
        rng: this.rng,
      });
    }
    return { message: withCallIds(teacherMessage(messages, this.plan), messages) };
  }

  /** A teacher with the same options, no plan, and its own mistake stream. */
  fork(): SupportLiteTeacher {
    const child = new SupportLiteTeacher(this.options);
    child.rng = this.rng.fork(`fork ${this.forks++}`);
    return child;
  }
}

/** The teacher's next message for `messages` under `plan` (undefined: the expert's). */
export function teacherMessage(
  messages: readonly Message[],
  plan: MistakePlan | undefined,
): AssistantMessage {
  const tools = messages.filter((message): message is ToolMessage => message.role === 'tool');
  const called = (name: string) => tools.some((message) => message.name === name);
  const expert = (conversation: readonly Message[]) => expertTurn(conversation).message;
  switch (plan?.kind) {
    case undefined:
      return expert(messages);
    case 'wrong_tool': {
      const orderId = orderIdOf(messages);
      if (!called(WRONG_TOOL_NAME)) return call(WRONG_TOOL_NAME, { order_id: orderId });
      return say(`Sorry, I could not find order ${orderId}.`);
    }
    case 'wrong_argument': {
      if (plan.variant === 'no_hash' && !called('get_order_details'))
        return call('get_order_details', { order_id: plan.orderId });
      // The expert's reasoning on the conversation as misread: every mention of the id is the wrong one.
      const misread = messages.map((message) =>
        message.role === 'user'
          ? { ...message, content: message.content.replace(ORDER_ID, plan.orderId) }
          : message,
      );
      const lookup = lastWhere(tools, (message) => message.name === 'get_order_details');
      if (lookup?.isError === true) return say(`Sorry, I could not find order ${plan.orderId}.`);
      return expert(misread);
    }
    case 'policy_violation': {
      const facts = orderFacts(messages);
      if (facts === undefined) return expert(messages);
      if (!called('cancel_pending_order')) {
        const args = { order_id: facts.orderId, reason: facts.reason };
        return call('cancel_pending_order', args, cancellingNote(facts.orderId, facts.status));
      }
      return say(`Order ${facts.orderId} is now cancelled.`);
    }
    case 'wrong_fact': {
      const facts = orderFacts(messages);
      if (facts === undefined) return expert(messages);
      if (facts.intent === 'cancel') return say(`Order ${facts.orderId} is now cancelled.`);
      return say(
        expertAnswer({
          ...facts,
          status: plan.status,
          itemNames: plan.itemNames,
          address: { ...facts.address, city: plan.city },
        }),
      );
    }
  }
}

/** What the last successful lookup says, as the scenario the expert would answer for; undefined before one. */
function orderFacts(messages: readonly Message[]): SupportLiteScenario | undefined {
  const lookup = lastWhere(
    messages,
    (message) => message.role === 'tool' && message.name === 'get_order_details' && message.isError !== true,
  );
  const summary = SUMMARY.exec(lookup?.content ?? '');
  if (summary === null) return undefined;
  const [, orderId, status, items, address1, city] = summary;
  const opening = messages.find((message) => message.role === 'user')?.content ?? '';
  const intent = intentOf(opening);
  return {
    id: `${intent}:${orderId}`,
    intent,
    userId: '',
    orderId,
    status,
    itemNames: items.split(', '),
    address: { address1, city },
    reason: opening.includes('mistake') ? 'ordered by mistake' : 'no longer needed',
    shouldCancel: intent === 'cancel' && status === 'pending',
  };
}

function lastWhere<T>(items: readonly T[], test: (item: T) => boolean): T | undefined {
  for (let index = items.length - 1; index >= 0; index--) if (test(items[index])) return items[index];
  return undefined;
}

function orderIdOf(messages: readonly Message[]): string {
  for (const message of messages) {
    const id = message.role === 'user' ? ORDER_ID.exec(message.content)?.[0] : undefined;
    if (id !== undefined) return id;
  }
  return '';
}

/** Tool-call ids as a local policy writes them: `call_<assistant turns so far>_<index>`. */
function withCallIds(message: AssistantMessage, messages: readonly Message[]): AssistantMessage {
  if (message.toolCalls === undefined) return message;
  const turn = messages.filter((item) => item.role === 'assistant').length;
  return {
    ...message,
    toolCalls: message.toolCalls.map((toolCall, index) => ({ ...toolCall, id: `call_${turn}_${index}` })),
  };
}

function say(content: string): AssistantMessage {
  return { role: 'assistant', content };
}

function call(name: string, args: ToolCall['arguments'], content = ''): AssistantMessage {
  return { role: 'assistant', content, toolCalls: [{ id: 'call', name, arguments: args }] };
}
