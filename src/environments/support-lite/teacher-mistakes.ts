// The realistic mistakes of support-lite's scripted teacher, as real logged support data has them:
// the wrong tool, the wrong order id, cancelling an order the policy forbids, a wrong fact. Each
// one is planned per conversation from a seeded Rng; every planned mistake fails the episode.
// They come in two patterns: 'random' slips, any kind in any conversation, and 'habits', each kind
// tied to one situation the agent can see, as a legacy bot's bugs or a team's misreadings are.

import type { Rng } from '../../engine/random.js';
import type { RetailDatabase, RetailOrder } from '../retail/retail-types.js';
import type { SupportLiteIntent } from './scenarios.js';

/** The kinds of mistake the teacher makes, at most one per conversation. */
export type TeacherMistake = 'wrong_tool' | 'wrong_argument' | 'policy_violation' | 'wrong_fact';

/** Every kind, in the order plans draw from. */
export const TEACHER_MISTAKES: readonly TeacherMistake[] = [
  'wrong_tool',
  'wrong_argument',
  'policy_violation',
  'wrong_fact',
];

/**
 * Where the teacher's mistakes fall: 'random', in any conversation (a greedy imitator learns the
 * majority, the correct turn, so imitation can end above the teacher), or 'habits', each kind in its
 * own situation (`habitFor`), where a rate above one half makes the mistake what imitation learns.
 */
export type MistakePattern = 'random' | 'habits';

/** Every pattern. */
export const MISTAKE_PATTERNS: readonly MistakePattern[] = ['random', 'habits'];

/** The tool the teacher calls by mistake: retail has it, support-lite does not (the call fails). */
export const WRONG_TOOL_NAME = 'get_user_details';

/** Status words an order can have in support-lite answers. */
const STATUSES = ['pending', 'processed', 'delivered', 'cancelled'] as const;

/**
 * How one conversation goes wrong, with every detail drawn when it is planned:
 * - `wrong_tool`: calls `get_user_details` instead of looking the order up, then says it found nothing;
 * - `wrong_argument`: looks up (and acts on) `orderId`, a wrong id: one digit off, another order of
 *   the same customer, or (a habit) the id without its '#', which no order has;
 * - `policy_violation`: asked to cancel a non-pending order, tries to cancel it anyway and then says
 *   it is cancelled (only planned for cancel requests on non-pending orders);
 * - `wrong_fact`: the final answer states a wrong `status`, `itemNames` (one swapped for another
 *   order's item) or `city`; on a cancel request it claims the cancellation without calling the tool.
 */
export type MistakePlan =
  | { readonly kind: 'wrong_tool' }
  | {
      readonly kind: 'wrong_argument';
      readonly orderId: string;
      readonly variant: 'digit' | 'other_order' | 'no_hash';
    }
  | { readonly kind: 'policy_violation' }
  | {
      readonly kind: 'wrong_fact';
      readonly status: string;
      readonly itemNames: readonly string[];
      readonly city: string;
    };

/** The kinds that can happen for this request on this order; policy_violation only for cancelling a non-pending order. */
export function applicableMistakes(intent: SupportLiteIntent, status: string): readonly TeacherMistake[] {
  return TEACHER_MISTAKES.filter(
    (kind) => kind !== 'policy_violation' || (intent === 'cancel' && status !== 'pending'),
  );
}

/** What the teacher has seen when it plans: enough to tell a habit's situation. */
export type MistakeSituation = {
  readonly intent: SupportLiteIntent;
  /** The order's status before the conversation. */
  readonly status: string;
  /** The customer's first message. */
  readonly opening: string;
  /** The customer's message that gave the order id, when it was not the opening (they were asked). */
  readonly idReply?: string;
};

/**
 * The teacher's habit in this situation, if it has one; each is a situation the agent can tell
 * from the conversation, checked in this order (the first to apply is the one):
 * - `wrong_argument`: the customer, asked for the id, replies with the bare id → the teacher looks
 *   up the id without its '#';
 * - `policy_violation`: a cancel request for an order that is not pending → it cancels anyway;
 * - `wrong_fact`: a status question on a delivered order → it says the order is processed;
 * - `wrong_tool`: an address question that says "shipping address" → it calls get_user_details.
 */
export function habitFor(situation: MistakeSituation): TeacherMistake | undefined {
  const { intent, status } = situation;
  if (situation.idReply !== undefined && /^#W\d+$/.test(situation.idReply.trim())) return 'wrong_argument';
  if (intent === 'cancel' && status !== 'pending') return 'policy_violation';
  if (intent === 'status' && status === 'delivered') return 'wrong_fact';
  if (intent === 'address' && /shipping address/i.test(situation.opening)) return 'wrong_tool';
  return undefined;
}

/** Options of `planMistake`. */
export type PlanMistakeOptions = {
  readonly database: RetailDatabase;
  readonly intent: SupportLiteIntent;
  /** The order the customer asks about. */
  readonly orderId: string;
  /**
   * 'random': probability of a mistake in this conversation; 'habits': probability that the
   * teacher follows its habit in a situation that has one. In [0, 1].
   */
  readonly mistakeRate: number;
  /** Default 'random'. */
  readonly pattern?: MistakePattern;
  /** The opening and the id reply, for 'habits'; default: an opening with the id. */
  readonly opening?: string;
  readonly idReply?: string;
  readonly rng: Rng;
};

/**
 * Draws whether this conversation has a mistake and, if so, which one, with its details; undefined:
 * the conversation is correct. 'random': probability `mistakeRate`, the kind uniform among the
 * applicable ones. 'habits': probability `mistakeRate` where `habitFor` names a habit, else none.
 */
export function planMistake(options: PlanMistakeOptions): MistakePlan | undefined {
  const { database, intent, orderId, rng } = options;
  const order = Object.hasOwn(database.orders, orderId) ? database.orders[orderId] : undefined;
  if (options.pattern === 'habits') {
    const habit = habitFor({
      intent,
      status: order?.status ?? 'pending',
      opening: options.opening ?? '',
      idReply: options.idReply,
    });
    if (habit === undefined || !(rng.nextFloat() < options.mistakeRate)) return undefined;
    return habitPlan(habit, orderId, order);
  }
  if (!(rng.nextFloat() < options.mistakeRate)) return undefined;
  const kinds = applicableMistakes(intent, order?.status ?? 'pending');
  const kind = kinds[rng.int(kinds.length)];
  switch (kind) {
    case 'wrong_tool':
    case 'policy_violation':
      return { kind };
    case 'wrong_argument': {
      const others = (order === undefined ? [] : (database.users[order.user_id]?.orders ?? [])).filter(
        (id) => id !== orderId,
      );
      return others.length > 0 && rng.int(2) === 0
        ? { kind, orderId: others[rng.int(others.length)], variant: 'other_order' }
        : { kind, orderId: digitOff(orderId, rng), variant: 'digit' };
    }
    case 'wrong_fact':
      return { kind, ...wrongFacts(database, order, rng) };
  }
}

/** The details of a habit: always the same wrong turn in the same situation. */
function habitPlan(habit: TeacherMistake, orderId: string, order: RetailOrder | undefined): MistakePlan {
  switch (habit) {
    case 'wrong_tool':
    case 'policy_violation':
      return { kind: habit };
    case 'wrong_argument':
      return { kind: habit, orderId: orderId.replace('#', ''), variant: 'no_hash' };
    case 'wrong_fact':
      return {
        kind: habit,
        status: 'processed',
        itemNames: [...new Set(order?.items.map((item) => item.name) ?? [])],
        city: order?.address.city ?? '',
      };
  }
}

/** A wrong status, item list (one name swapped for another order's item) and city for `order`. */
function wrongFacts(
  database: RetailDatabase,
  order: RetailOrder | undefined,
  rng: Rng,
): { readonly status: string; readonly itemNames: readonly string[]; readonly city: string } {
  const status = order?.status ?? 'pending';
  const otherStatuses = STATUSES.filter((word) => word !== status);
  const names = [...new Set(order?.items.map((item) => item.name) ?? [])];
  const contains = (text: string, part: string) => text.toLowerCase().includes(part.toLowerCase());
  // Only a name that no other name contains can go missing from the answer.
  const replaceable = names
    .map((name, index) => ({ name, index }))
    .filter(({ name }) => !names.some((other) => other !== name && contains(other, name)));
  const replaced = replaceable[rng.int(Math.max(1, replaceable.length))] ?? { name: '', index: 0 };
  const orders = Object.values(database.orders);
  const pick = <T>(choose: (other: RetailOrder) => T | undefined): T => {
    for (;;) {
      const value = choose(orders[rng.int(orders.length)]);
      if (value !== undefined) return value;
    }
  };
  const item = pick((other) =>
    other.items.map((candidate) => candidate.name).find((name) => !contains(name, replaced.name)),
  );
  const city = order?.address.city ?? '';
  return {
    status: otherStatuses[rng.int(otherStatuses.length)],
    itemNames: names.map((name, index) => (index === replaced.index ? item : name)),
    city: pick((other) => (contains(other.address.city, city) ? undefined : other.address.city)),
  };
}

/** `orderId` with one of its digits moved up or down by one (mod 10): a typo of the id. */
export function digitOff(orderId: string, rng: Rng): string {
  const digits = [...orderId].map((char, index) => (/\d/.test(char) ? index : -1)).filter((i) => i >= 0);
  if (digits.length === 0) return `${orderId}1`;
  const at = digits[rng.int(digits.length)];
  const shifted = (Number(orderId[at]) + (rng.int(2) === 0 ? 1 : 9)) % 10;
  return `${orderId.slice(0, at)}${shifted}${orderId.slice(at + 1)}`;
}
