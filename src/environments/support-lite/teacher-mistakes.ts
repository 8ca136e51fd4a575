// The realistic mistakes of support-lite's scripted teacher, as real logged support data has them:
// the wrong tool, the wrong order id, cancelling an order the policy forbids, a wrong fact. Each
// one is planned per conversation from a seeded Rng; every planned mistake fails the episode.

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

/** The tool the teacher calls by mistake: retail has it, support-lite does not (the call fails). */
export const WRONG_TOOL_NAME = 'get_user_details';

/** Status words an order can have in support-lite answers. */
const STATUSES = ['pending', 'processed', 'delivered', 'cancelled'] as const;

/**
 * How one conversation goes wrong, with every detail drawn when it is planned:
 * - `wrong_tool`: calls `get_user_details` instead of looking the order up, then says it found nothing;
 * - `wrong_argument`: looks up (and acts on) `orderId`, a wrong id: one digit off, or another order
 *   of the same customer;
 * - `policy_violation`: asked to cancel a non-pending order, tries to cancel it anyway and then says
 *   it is cancelled (only planned for cancel requests on non-pending orders);
 * - `wrong_fact`: the final answer states a wrong `status`, `itemNames` (one swapped for another
 *   order's item) or `city`; on a cancel request it claims the cancellation without calling the tool.
 */
export type MistakePlan =
  | { readonly kind: 'wrong_tool' }
  | { readonly kind: 'wrong_argument'; readonly orderId: string; readonly variant: 'digit' | 'other_order' }
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

/** Options of `planMistake`. */
export type PlanMistakeOptions = {
  readonly database: RetailDatabase;
  readonly intent: SupportLiteIntent;
  /** The order the customer asks about. */
  readonly orderId: string;
  /** Probability of a mistake in this conversation, in [0, 1]. */
  readonly mistakeRate: number;
  readonly rng: Rng;
};

/**
 * Draws whether this conversation has a mistake (probability `mistakeRate`) and, if so, which one,
 * uniformly among the applicable kinds, with its details. Undefined: the conversation is correct.
 */
export function planMistake(options: PlanMistakeOptions): MistakePlan | undefined {
  const { database, intent, orderId, rng } = options;
  if (!(rng.nextFloat() < options.mistakeRate)) return undefined;
  const order = Object.hasOwn(database.orders, orderId) ? database.orders[orderId] : undefined;
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
