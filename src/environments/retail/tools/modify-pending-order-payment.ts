// Pays a pending order with another of the user's payment methods, refunding the old one.

import { z } from 'zod';
import { defineRetailTool, fail, first, lookup, succeedWithJson } from '../retail-tool.js';
import { addToBalance, giftCardShort } from './order-items.js';
import { objectParameters, ORDER_ID_PARAMETER, PAYMENT_METHOD_ID_PARAMETER } from './parameters.js';

/** `modify_pending_order_payment`: books the new payment and the old method's refund. */
export const modifyPendingOrderPayment = defineRetailTool({
  name: 'modify_pending_order_payment',
  description:
    'Modify the payment method of a pending order. The agent needs to explain the modification detail and ask for explicit user confirmation (yes/no) to proceed.',
  parameters: objectParameters({
    order_id: ORDER_ID_PARAMETER,
    payment_method_id: PAYMENT_METHOD_ID_PARAMETER,
  }),
  arguments: z.strictObject({ order_id: z.string(), payment_method_id: z.string() }),
  invoke: (database, { order_id: orderId, payment_method_id: paymentMethodId }) => {
    if (!Object.hasOwn(database.orders, orderId)) return fail('order not found');
    const order = database.orders[orderId];
    if (order.status !== 'pending') return fail('non-pending order cannot be modified');
    const methods = lookup(database.users, order.user_id).payment_methods;
    if (!Object.hasOwn(methods, paymentMethodId)) return fail('payment method not found');
    const history = order.payment_history;
    if (history.length > 1 || first(history).transaction_type !== 'payment') {
      return fail('there should be exactly one payment for a pending order');
    }
    const oldMethodId = history[0].payment_method_id;
    if (oldMethodId === paymentMethodId)
      return fail('the new payment method should be different from the current one');
    const amount = history[0].amount;
    const method = methods[paymentMethodId];
    if (giftCardShort(method, amount)) return fail('insufficient gift card balance to pay for the order');
    history.push(
      { transaction_type: 'payment', amount, payment_method_id: paymentMethodId },
      { transaction_type: 'refund', amount, payment_method_id: oldMethodId },
    );
    if (method.source === 'gift_card') addToBalance(method, -amount);
    if (oldMethodId.includes('gift_card')) addToBalance(lookup(methods, oldMethodId), amount);
    return succeedWithJson(order);
  },
});
