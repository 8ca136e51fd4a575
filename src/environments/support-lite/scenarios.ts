// support-lite scenarios: one customer, one of their orders, one request (status, items, address, or
// cancel), generated deterministically from the retail database, split into train and held-out by
// a hash of the user id so that no held-out customer is ever seen in training.

import type { RetailDatabase, RetailOrder } from '../retail/retail-types.js';

/** What the customer wants to know or have done. */
export type SupportLiteIntent = 'status' | 'items' | 'address' | 'cancel';

/** Every intent, in scenario order. */
export const SUPPORT_LITE_INTENTS: readonly SupportLiteIntent[] = ['status', 'items', 'address', 'cancel'];

/** The two reasons the cancel tool accepts. */
export const CANCEL_REASONS = ['no longer needed', 'ordered by mistake'] as const;

/** A cancellation reason. */
export type CancelReason = (typeof CANCEL_REASONS)[number];

/** One scenario and what a correct agent does in it. */
export type SupportLiteScenario = {
  /** `<intent>:<order id>`, e.g. `status:#W2611340`. */
  readonly id: string;
  readonly intent: SupportLiteIntent;
  readonly userId: string;
  readonly orderId: string;
  /** The order's status before the episode. */
  readonly status: string;
  /** Distinct item names of the order, in order. */
  readonly itemNames: readonly string[];
  readonly address: { readonly address1: string; readonly city: string };
  /** The reason the customer gives (cancel scenarios). */
  readonly reason: CancelReason;
  /** True when the correct action is to cancel: a cancel request for a pending order. */
  readonly shouldCancel: boolean;
};

/** Split names: 'train', and 'test' for held-out users. */
export type SupportLiteSplit = 'train' | 'test';

/** Orders with more items than this get no 'items' scenario (keeps texts short for tiny models). */
export const MAX_ITEMS_FOR_ITEMS_INTENT = 3;

/** Out of 10 hash buckets, how many users are held out. */
const HELD_OUT_BUCKETS = 2;

/** FNV-1a 32-bit of a string's UTF-8 bytes. */
export function fnv1a32(text: string): number {
  let hash = 0x811c9dc5;
  for (const byte of new TextEncoder().encode(text)) hash = Math.imul(hash ^ byte, 0x01000193) >>> 0;
  return hash;
}

/** The split of a user: 'test' (held out) for about 20% of users by hash of the user id, else 'train'. */
export function splitOfUser(userId: string): SupportLiteSplit {
  return fnv1a32(userId) % 10 < HELD_OUT_BUCKETS ? 'test' : 'train';
}

/** Options of `buildSupportLiteScenarios`. */
export type BuildScenariosOptions = {
  readonly database: RetailDatabase;
  /** Intents to generate; default all. */
  readonly intents?: readonly SupportLiteIntent[];
};

/** All scenarios of the database, in order-file order, intent by intent. */
export function buildSupportLiteScenarios(options: BuildScenariosOptions): SupportLiteScenario[] {
  const intents = options.intents ?? SUPPORT_LITE_INTENTS;
  const scenarios: SupportLiteScenario[] = [];
  for (const order of Object.values(options.database.orders)) {
    for (const intent of intents) {
      if (intent === 'items' && order.items.length > MAX_ITEMS_FOR_ITEMS_INTENT) continue;
      scenarios.push(scenarioOf(order, intent));
    }
  }
  return scenarios;
}

function scenarioOf(order: RetailOrder, intent: SupportLiteIntent): SupportLiteScenario {
  return {
    id: `${intent}:${order.order_id}`,
    intent,
    userId: order.user_id,
    orderId: order.order_id,
    status: order.status,
    itemNames: [...new Set(order.items.map((item) => item.name))],
    address: { address1: order.address.address1, city: order.address.city },
    reason: CANCEL_REASONS[fnv1a32(order.order_id) % 2],
    shouldCancel: intent === 'cancel' && order.status === 'pending',
  };
}

/** Scenario ids by split. */
export function splitScenarios(
  scenarios: readonly SupportLiteScenario[],
): Readonly<Record<SupportLiteSplit, readonly string[]>> {
  const splits: Record<SupportLiteSplit, string[]> = { train: [], test: [] };
  for (const scenario of scenarios) splits[splitOfUser(scenario.userId)].push(scenario.id);
  return splits;
}
