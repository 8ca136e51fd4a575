import { describe, expect, it } from 'vitest';
import { callTool, parsedContent, retailFixture } from '../test-support/retail-fixture.js';
import { cancelPendingOrder } from './cancel-pending-order.js';

const cancel = (database = retailFixture(), orderId = '#W1', reason = 'no longer needed') =>
  callTool(cancelPendingOrder, database, { order_id: orderId, reason });

describe('cancel_pending_order', () => {
  it('refuses unknown orders, orders that are not pending, and other reasons, in that order', () => {
    expect(cancel(retailFixture(), '#W0')).toEqual({ ok: false, error: 'Error: order not found' });
    expect(cancel(retailFixture(), '#W4', 'bad reason')).toEqual({
      ok: false,
      error: 'Error: non-pending order cannot be cancelled',
    });
    expect(cancel(retailFixture(), '#W1', 'changed my mind')).toEqual({
      ok: false,
      error: 'Error: invalid reason',
    });
  });

  it('refunds a card payment and marks the order cancelled with the reason', () => {
    const database = retailFixture();
    const order = parsedContent(cancel(database, '#W1', 'ordered by mistake'));
    expect(order).toMatchObject({ status: 'cancelled', cancel_reason: 'ordered by mistake' });
    expect(database.orders['#W1'].payment_history).toEqual([
      { transaction_type: 'payment', amount: 40.2, payment_method_id: 'credit_card_1' },
      { transaction_type: 'refund', amount: 40.2, payment_method_id: 'credit_card_1' },
    ]);
    expect(database.users.ada_lovelace_1.payment_methods.gift_card_1).toMatchObject({ balance: 50 });
  });

  it('puts a gift card payment back on the card at once', () => {
    const database = retailFixture();
    cancel(database, '#W2');
    expect(database.users.ada_lovelace_1.payment_methods.gift_card_1).toMatchObject({ balance: 70 });
    expect(cancel(database, '#W2')).toEqual({
      ok: false,
      error: 'Error: non-pending order cannot be cancelled',
    });
  });

  it("answers Python's KeyError text when the gift card is not the user's", () => {
    expect(cancel(retailFixture(), '#W7')).toEqual({ ok: false, error: "Error: 'gift_card_9'" });
  });
});
