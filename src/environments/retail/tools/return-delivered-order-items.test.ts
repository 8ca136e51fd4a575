import { describe, expect, it } from 'vitest';
import { callTool, retailFixture } from '../test-support/retail-fixture.js';
import { returnDeliveredOrderItems } from './return-delivered-order-items.js';

type Database = ReturnType<typeof retailFixture>;
const giveBack = (database: Database, orderId: string, itemIds: string[], methodId = 'paypal_1') =>
  callTool(returnDeliveredOrderItems, database, {
    order_id: orderId,
    item_ids: itemIds,
    payment_method_id: methodId,
  });
const error = (message: string) => ({ ok: false, error: `Error: ${message}` });
const RED = '2000000001';
const SOFT = '2000000010';

describe('return_delivered_order_items', () => {
  it('checks order, status, payment method and items, in that order', () => {
    const fresh = retailFixture;
    expect(giveBack(fresh(), '#W0', [RED])).toEqual(error('order not found'));
    expect(giveBack(fresh(), '#W1', [RED])).toEqual(error('non-delivered order cannot be returned'));
    expect(giveBack(fresh(), '#W3', [RED], 'gift_card_2')).toEqual(error('payment method not found'));
    expect(giveBack(fresh(), '#W3', [RED], 'credit_card_1')).toEqual(
      error('payment method should be either the original payment method or a gift card'),
    );
    expect(giveBack(fresh(), '#W3', [RED, RED])).toEqual(error('some item not found'));
  });

  it('records the return with sorted ids to the original method or a gift card', () => {
    const database = retailFixture();
    expect(giveBack(database, '#W3', [SOFT, RED]).ok).toBe(true);
    expect(database.orders['#W3']).toMatchObject({
      status: 'return requested',
      return_items: [RED, SOFT],
      return_payment_method_id: 'paypal_1',
    });
    expect(database.orders['#W3'].payment_history).toHaveLength(1);
    expect(giveBack(retailFixture(), '#W3', [RED], 'gift_card_1').ok).toBe(true);
  });

  it("answers Python's IndexError text when a delivered order has no payment", () => {
    const database = retailFixture();
    database.orders['#W3'].payment_history = [];
    expect(giveBack(database, '#W3', [RED], 'credit_card_1')).toEqual(error('list index out of range'));
  });
});
