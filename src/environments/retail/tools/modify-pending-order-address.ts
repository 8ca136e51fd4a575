// Changes the shipping address of a pending order.

import { z } from 'zod';
import { defineRetailTool, fail, succeedWithJson } from '../retail-tool.js';
import { ADDRESS_ARGUMENTS, ADDRESS_PARAMETERS, objectParameters, ORDER_ID_PARAMETER } from './parameters.js';

/** `modify_pending_order_address`: the order's address becomes the six given fields. */
export const modifyPendingOrderAddress = defineRetailTool({
  name: 'modify_pending_order_address',
  description:
    'Modify the shipping address of a pending order. The agent needs to explain the modification detail and ask for explicit user confirmation (yes/no) to proceed.',
  parameters: objectParameters({ order_id: ORDER_ID_PARAMETER, ...ADDRESS_PARAMETERS }),
  arguments: z.strictObject({ order_id: z.string(), ...ADDRESS_ARGUMENTS }),
  invoke: (database, { order_id: orderId, address1, address2, city, state, country, zip }) => {
    if (!Object.hasOwn(database.orders, orderId)) return fail('order not found');
    const order = database.orders[orderId];
    if (order.status !== 'pending') return fail('non-pending order cannot be modified');
    order.address = { address1, address2, city, state, country, zip };
    return succeedWithJson(order);
  },
});
