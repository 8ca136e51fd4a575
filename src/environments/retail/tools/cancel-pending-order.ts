// Cancels a pending order: every payment is refunded, gift cards at once.

import { z } from 'zod';
import { defineRetailTool, fail, lookup, succeedWithJson } from '../retail-tool.js';
import type { PaymentTransaction } from '../retail-types.js';
import { addToBalance } from './order-items.js';
import { objectParameters, ORDER_ID_PARAMETER } from './parameters.js';

const REASONS: readonly string[] = ['no longer needed', 'ordered by mistake'];

/**
 * `cancel_pending_order`. The reason is checked by the tool, not by zod, so that any other string
 * gets the original's `Error: invalid reason` (the enum in the schema is what the model sees).
 */
export const cancelPendingOrder = defineRetailTool({
  name: 'cancel_pending_order',
  description:
    "Cancel a pending order. If the order is already processed or delivered, it cannot be cancelled. The agent needs to explain the cancellation detail and ask for explicit user confirmation (yes/no) to proceed. If the user confirms, the order status will be changed to 'cancelled' and the payment will be refunded. The refund will be added to the user's gift card balance immediately if the payment was made using a gift card, otherwise the refund would take 5-7 business days to process. The function returns the order details after the cancellation.",
  parameters: objectParameters({
    order_id: ORDER_ID_PARAMETER,
    reason: {
      type: 'string',
      enum: ['no longer needed', 'ordered by mistake'],
      description:
        "The reason for cancellation, which should be either 'no longer needed' or 'ordered by mistake'.",
    },
  }),
  arguments: z.strictObject({ order_id: z.string(), reason: z.string() }),
  invoke: (database, { order_id: orderId, reason }) => {
    if (!Object.hasOwn(database.orders, orderId)) return fail('order not found');
    const order = database.orders[orderId];
    if (order.status !== 'pending') return fail('non-pending order cannot be cancelled');
    if (!REASONS.includes(reason)) return fail('invalid reason');
    const refunds: PaymentTransaction[] = [];
    for (const payment of order.payment_history) {
      const paymentMethodId = payment.payment_method_id;
      refunds.push({
        transaction_type: 'refund',
        amount: payment.amount,
        payment_method_id: paymentMethodId,
      });
      if (paymentMethodId.includes('gift_card')) {
        const user = lookup(database.users, order.user_id);
        addToBalance(lookup(user.payment_methods, paymentMethodId), payment.amount);
      }
    }
    order.status = 'cancelled';
    order.cancel_reason = reason;
    order.payment_history.push(...refunds);
    return succeedWithJson(order);
  },
});
