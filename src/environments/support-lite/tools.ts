// support-lite's tools over the shared retail database, copy-on-write per episode: a compact order
// lookup, τ-bench's pending-order cancellation (same checks, messages and refunds), and a transfer.

import { z } from 'zod';
import type { RetailDatabase, RetailOrder, RetailUser } from '../retail/retail-types.js';
import type { Tool } from '../tool.js';
import { CANCEL_REASONS } from './scenarios.js';

/** An episode's view of the database: the shared read-only data plus the records this episode changed. */
export type SupportLiteWorld = {
  readonly database: RetailDatabase;
  readonly orders: Map<string, RetailOrder>;
  readonly users: Map<string, RetailUser>;
};

/** A fresh world over a (frozen) database; nothing is copied until a tool writes. */
export function freshWorld(database: RetailDatabase): SupportLiteWorld {
  return { database, orders: new Map(), users: new Map() };
}

/** The order as this episode sees it, or undefined. */
export function orderOf(world: SupportLiteWorld, orderId: string): RetailOrder | undefined {
  return (
    world.orders.get(orderId) ??
    (Object.hasOwn(world.database.orders, orderId) ? world.database.orders[orderId] : undefined)
  );
}

/** One line describing an order: status, item names, shipping address. */
export function orderSummary(order: RetailOrder): string {
  const items = [...new Set(order.items.map((item) => item.name))].join(', ');
  return `order ${order.order_id} | status: ${order.status} | items: ${items} | address: ${order.address.address1}, ${order.address.city}`;
}

const orderIdSchema = z.string().describe("The order id, such as '#W0000000'.");

const getOrderDetails: Tool<SupportLiteWorld, { order_id: string }> = {
  name: 'get_order_details',
  description: 'Get the status, items and shipping address of an order.',
  parameters: {
    type: 'object',
    properties: { order_id: { type: 'string', description: "The order id, such as '#W0000000'." } },
    required: ['order_id'],
  },
  arguments: z.object({ order_id: orderIdSchema }).strict(),
  run: (args, { state }) => {
    const order = orderOf(state, args.order_id);
    return order === undefined
      ? { ok: false, error: 'Error: order not found' }
      : { ok: true, content: orderSummary(order) };
  },
};

const cancelPendingOrder: Tool<SupportLiteWorld, { order_id: string; reason: string }> = {
  name: 'cancel_pending_order',
  description: "Cancel a pending order; reason is 'no longer needed' or 'ordered by mistake'.",
  parameters: {
    type: 'object',
    properties: {
      order_id: { type: 'string', description: "The order id, such as '#W0000000'." },
      reason: { type: 'string', enum: [...CANCEL_REASONS] },
    },
    required: ['order_id', 'reason'],
  },
  arguments: z.object({ order_id: orderIdSchema, reason: z.string() }).strict(),
  run: (args, { state }) => {
    const current = orderOf(state, args.order_id);
    if (current === undefined) return { ok: false, error: 'Error: order not found' };
    if (current.status !== 'pending')
      return { ok: false, error: 'Error: non-pending order cannot be cancelled' };
    if (!(CANCEL_REASONS as readonly string[]).includes(args.reason))
      return { ok: false, error: 'Error: invalid reason' };
    const order = structuredClone(current);
    const refunds = order.payment_history.map((payment) => ({
      transaction_type: 'refund' as const,
      amount: payment.amount,
      payment_method_id: payment.payment_method_id,
    }));
    for (const refund of refunds) {
      if (refund.payment_method_id.includes('gift_card')) creditGiftCard(state, order.user_id, refund);
    }
    order.status = 'cancelled';
    order.cancel_reason = args.reason;
    order.payment_history.push(...refunds);
    state.orders.set(order.order_id, order);
    return { ok: true, content: `order ${order.order_id} | status: cancelled` };
  },
};

const transferToHumanAgents: Tool<SupportLiteWorld, { summary: string }> = {
  name: 'transfer_to_human_agents',
  description: 'Transfer the customer to a human agent; ends the conversation.',
  parameters: { type: 'object', properties: { summary: { type: 'string' } }, required: ['summary'] },
  arguments: z.object({ summary: z.string() }).strict(),
  run: () => ({ ok: true, content: 'Transfer successful' }),
};

/** The three support-lite tools. */
export const SUPPORT_LITE_TOOLS: readonly Tool<SupportLiteWorld>[] = [
  getOrderDetails,
  cancelPendingOrder,
  transferToHumanAgents,
] as readonly Tool<SupportLiteWorld>[];

function creditGiftCard(
  world: SupportLiteWorld,
  userId: string,
  refund: { readonly amount: number; readonly payment_method_id: string },
): void {
  const user = world.users.get(userId) ?? structuredClone(world.database.users[userId]);
  const method = user?.payment_methods[refund.payment_method_id];
  if (method === undefined || method.source !== 'gift_card') return;
  method.balance = Math.round((method.balance + refund.amount) * 100) / 100;
  world.users.set(userId, user);
}
