// Requests an exchange of delivered items for other variants; no money moves yet.

import { z } from 'zod';
import { pythonRound } from '../python-float.js';
import { pythonSorted } from '../python-text.js';
import { defineRetailTool, fail, lookup, succeedWithJson } from '../retail-tool.js';
import { giftCardShort, missingItemId, priceDifference } from './order-items.js';
import {
  itemIdsParameter,
  objectParameters,
  ORDER_ID_PARAMETER,
  PAYMENT_METHOD_ID_PARAMETER,
} from './parameters.js';

/** `exchange_delivered_order_items`: records the requested exchange and its rounded price difference. */
export const exchangeDeliveredOrderItems = defineRetailTool({
  name: 'exchange_delivered_order_items',
  description:
    'Exchange items in a delivered order to new items of the same product type. For a delivered order, return or exchange can be only done once by the agent. The agent needs to explain the exchange detail and ask for explicit user confirmation (yes/no) to proceed.',
  parameters: objectParameters({
    order_id: ORDER_ID_PARAMETER,
    item_ids: itemIdsParameter(
      "The item ids to be exchanged, each such as '1008292230'. There could be duplicate items in the list.",
    ),
    new_item_ids: itemIdsParameter(
      "The item ids to be exchanged for, each such as '1008292230'. There could be duplicate items in the list. Each new item id should match the item id in the same position and be of the same product.",
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
    if (order.status !== 'delivered') return fail('non-delivered order cannot be exchanged');
    const missing = missingItemId(order, itemIds);
    if (missing !== undefined) return fail(`${missing} not found`);
    if (itemIds.length !== newItemIds.length) return fail('the number of items to be exchanged should match');
    const price = priceDifference(database, order, itemIds, newItemIds);
    if (!price.ok) return fail(`new item ${price.newItemId} not found or available`);
    const difference = pythonRound(price.difference, 2);
    const methods = lookup(database.users, order.user_id).payment_methods;
    if (!Object.hasOwn(methods, methodId)) return fail('payment method not found');
    if (giftCardShort(methods[methodId], difference)) {
      return fail('insufficient gift card balance to pay for the price difference');
    }
    order.status = 'exchange requested';
    order.exchange_items = pythonSorted(itemIds);
    order.exchange_new_items = pythonSorted(newItemIds);
    order.exchange_payment_method_id = methodId;
    order.exchange_price_difference = difference;
    return succeedWithJson(order);
  },
});
