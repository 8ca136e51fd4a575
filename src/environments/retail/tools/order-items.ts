// What modifying, exchanging and returning items share: the count check of the ids against the
// order, the price difference accumulated pair by pair, and gift card balance updates.

import { pythonRound } from '../python-float.js';
import { lookup } from '../retail-tool.js';
import type { OrderItem, PaymentMethod, RetailDatabase, RetailOrder } from '../retail-types.js';

/** The first id listed more times than the order holds it, or undefined when all are there. */
export function missingItemId(order: RetailOrder, itemIds: readonly string[]): string | undefined {
  const held = order.items.map((item) => item.item_id);
  return itemIds.find((itemId) => countOf(itemIds, itemId) > countOf(held, itemId));
}

function countOf(list: readonly string[], value: string): number {
  return list.filter((entry) => entry === value).length;
}

/** The first item of the order with this id (the caller has checked there is one). */
export function firstItem(order: RetailOrder, itemId: string): OrderItem {
  const item = order.items.find((candidate) => candidate.item_id === itemId);
  if (item === undefined) throw new Error(`order ${order.order_id} has no item ${itemId}`);
  return item;
}

/** The summed price difference, or the first new item that is not an available variant. */
export type PriceDifference =
  { readonly ok: true; readonly difference: number } | { readonly ok: false; readonly newItemId: string };

/**
 * Σ (new price − old price) over the pairs, in order and unrounded: the same floating-point
 * additions as the original (`diff_price += new_price - old_price`), so the same last digits.
 */
export function priceDifference(
  database: RetailDatabase,
  order: RetailOrder,
  itemIds: readonly string[],
  newItemIds: readonly string[],
): PriceDifference {
  let difference = 0;
  for (const [index, itemId] of itemIds.entries()) {
    const newItemId = newItemIds[index];
    const item = firstItem(order, itemId);
    const variants = lookup(database.products, item.product_id).variants;
    if (!Object.hasOwn(variants, newItemId) || !variants[newItemId].available)
      return { ok: false, newItemId };
    difference += variants[newItemId].price - item.price;
  }
  return { ok: true, difference };
}

/** Replaces each listed item (the first still holding the old id) by its new variant. */
export function replaceItems(
  database: RetailDatabase,
  order: RetailOrder,
  itemIds: readonly string[],
  newItemIds: readonly string[],
): void {
  for (const [index, itemId] of itemIds.entries()) {
    const item = firstItem(order, itemId);
    const variant = lookup(lookup(database.products, item.product_id).variants, newItemIds[index]);
    item.item_id = newItemIds[index];
    item.price = variant.price;
    item.options = { ...variant.options };
  }
}

/** Adds `amount` to a gift card's balance (a KeyError if the method has none), rounded to cents. */
export function addToBalance(method: PaymentMethod, amount: number): void {
  const record = method as unknown as Record<string, number>;
  record.balance = pythonRound(lookup(record, 'balance') + amount, 2);
}

/** Whether a method is a gift card with less than `amount` on it (checked by `source`). */
export function giftCardShort(method: PaymentMethod, amount: number): boolean {
  return method.source === 'gift_card' && method.balance < amount;
}
