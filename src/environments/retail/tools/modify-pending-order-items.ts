// Swaps items of a pending order for other variants of the same products, settling the difference.

import { z } from 'zod';
import { defineRetailTool, fail, lookup, succeedWithJson } from '../retail-tool.js';
import { addToBalance, giftCardShort, missingItemId, priceDifference, replaceItems } from './order-items.js';
import {
  itemIdsParameter,
  objectParameters,
  ORDER_ID_PARAMETER,
  PAYMENT_METHOD_ID_PARAMETER,
} from './parameters.js';

/**
 * `modify_pending_order_items`: books the unrounded difference as a payment (> 0) or a refund, moves
 * a gift card's balance by it, and replaces the items.
 */
export const modifyPendingOrderItems = defineRetailTool({
  name: 'modify_pending_order_items',
  description:
    'Modify items in a pending order to new items of the same product type. For a pending order, this function can only be called once. The agent needs to explain the exchange detail and ask for explicit user confirmation (yes/no) to proceed.',
  parameters: objectParameters({
    order_id: ORDER_ID_PARAMETER,
    item_ids: itemIdsParameter(
      "The item ids to be modified, each such as '1008292230'. There could be duplicate items in the list.",
    ),
    new_item_ids: itemIdsParameter(
      "The item ids to be modified for, each such as '1008292230'. There could be duplicate items in the list. Each new item id should match the item id in the same position and be of the same product.",
    ),
    payment_method_id: PAYMENT_METHOD_ID_PARAMETER,
  }),
  arguments: z.strictObject({
    order_id: z.string(),
    item_ids: z.array(z.string()),
    new_item_ids: z.array(z.string()),
    payment_method_id: z.string(),
  }),
  invoke: (database, args) => {
    const {
      order_id: orderId,
      item_ids: itemIds,
      new_item_ids: newItemIds,
      payment_method_id: methodId,
    } = args;
    if (!Object.hasOwn(database.orders, orderId)) return fail('order not found');
    const order = database.orders[orderId];
    if (order.status !== 'pending') return fail('non-pending order cannot be modified');
    const missing = missingItemId(order, itemIds);
    if (missing !== undefined) return fail(`${missing} not found`);
    if (itemIds.length !== newItemIds.length) return fail('the number of items to be exchanged should match');
    const price = priceDifference(database, order, itemIds, newItemIds);
    if (!price.ok) return fail(`new item ${price.newItemId} not found or available`);
    const methods = lookup(database.users, order.user_id).payment_methods;
    if (!Object.hasOwn(methods, methodId)) return fail('payment method not found');
    const method = methods[methodId];
    if (giftCardShort(method, price.difference))
      return fail('insufficient gift card balance to pay for the new item');
    order.payment_history.push({
      transaction_type: price.difference > 0 ? 'payment' : 'refund',
      amount: Math.abs(price.difference),
      payment_method_id: methodId,
    });
    if (method.source === 'gift_card') addToBalance(method, -price.difference);
    replaceItems(database, order, itemIds, newItemIds);
    order.status = 'pending (item modified)';
    return succeedWithJson(order);
  },
});
