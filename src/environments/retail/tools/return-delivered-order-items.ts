// Requests a return of delivered items; the refund is not booked yet.

import { z } from 'zod';
import { pythonSorted } from '../python-text.js';
import { defineRetailTool, fail, first, lookup, succeedWithJson } from '../retail-tool.js';
import { missingItemId } from './order-items.js';
import {
  itemIdsParameter,
  objectParameters,
  ORDER_ID_PARAMETER,
  PAYMENT_METHOD_ID_PARAMETER,
} from './parameters.js';

/** `return_delivered_order_items`: refunds go to the original method or a gift card (by id). */
export const returnDeliveredOrderItems = defineRetailTool({
  name: 'return_delivered_order_items',
  description:
    "Return some items of a delivered order. The order status will be changed to 'return requested'. The agent needs to explain the return detail and ask for explicit user confirmation (yes/no) to proceed. The user will receive follow-up email for how and where to return the item.",
  parameters: objectParameters({
    order_id: ORDER_ID_PARAMETER,
    item_ids: itemIdsParameter(
      "The item ids to be returned, each such as '1008292230'. There could be duplicate items in the list.",
    ),
    payment_method_id: PAYMENT_METHOD_ID_PARAMETER,
  }),
  arguments: z.strictObject({
    order_id: z.string(),
    item_ids: z.array(z.string()),
    payment_method_id: z.string(),
  }),
  invoke: (database, { order_id: orderId, item_ids: itemIds, payment_method_id: methodId }) => {
    if (!Object.hasOwn(database.orders, orderId)) return fail('order not found');
    const order = database.orders[orderId];
    if (order.status !== 'delivered') return fail('non-delivered order cannot be returned');
    const methods = lookup(database.users, order.user_id).payment_methods;
    if (!Object.hasOwn(methods, methodId)) return fail('payment method not found');
    if (!methodId.includes('gift_card') && methodId !== first(order.payment_history).payment_method_id) {
      return fail('payment method should be either the original payment method or a gift card');
    }
    if (missingItemId(order, itemIds) !== undefined) return fail('some item not found');
    order.status = 'return requested';
    order.return_items = pythonSorted(itemIds);
    order.return_payment_method_id = methodId;
    return succeedWithJson(order);
  },
});
