import { describe, expect, it } from 'vitest';
import { callTool, retailFixture } from '../test-support/retail-fixture.js';
import { modifyPendingOrderPayment } from './modify-pending-order-payment.js';

const pay = (database: ReturnType<typeof retailFixture>, orderId: string, methodId: string) =>
  callTool(modifyPendingOrderPayment, database, { order_id: orderId, payment_method_id: methodId });
const error = (message: string) => ({ ok: false, error: `Error: ${message}` });

describe('modify_pending_order_payment', () => {
  it('checks the order, its status and that the method is the customer’s', () => {
    expect(pay(retailFixture(), '#W0', 'paypal_1')).toEqual(error('order not found'));
    expect(pay(retailFixture(), '#W3', 'paypal_1')).toEqual(error('non-pending order cannot be modified'));
    expect(pay(retailFixture(), '#W1', 'gift_card_2')).toEqual(error('payment method not found'));
  });

  it('needs exactly one payment, and a different method', () => {
    const database = retailFixture();
    expect(pay(database, '#W1', 'credit_card_1')).toEqual(
      error('the new payment method should be different from the current one'),
    );
    expect(pay(database, '#W1', 'paypal_1').ok).toBe(true);
    expect(pay(database, '#W1', 'gift_card_1')).toEqual(
      error('there should be exactly one payment for a pending order'),
    );
    expect(pay(retailFixture(), '#W5', 'paypal_1')).toEqual(error('list index out of range'));
  });

  it('refuses a gift card whose balance does not cover the order', () => {
    const database = retailFixture();
    database.users.ada_lovelace_1.payment_methods.gift_card_1 = {
      source: 'gift_card',
      id: 'gift_card_1',
      balance: 40.19,
    };
    expect(pay(database, '#W1', 'gift_card_1')).toEqual(
      error('insufficient gift card balance to pay for the order'),
    );
    expect(database.orders['#W1'].payment_history).toHaveLength(1);
  });

  it('books the new payment and the refund, and charges a new gift card (rounded to cents)', () => {
    const database = retailFixture();
    const outcome = pay(database, '#W1', 'gift_card_1');
    expect(outcome.ok).toBe(true);
    expect(database.orders['#W1'].payment_history.slice(1)).toEqual([
      { transaction_type: 'payment', amount: 40.2, payment_method_id: 'gift_card_1' },
      { transaction_type: 'refund', amount: 40.2, payment_method_id: 'credit_card_1' },
    ]);
    expect(database.users.ada_lovelace_1.payment_methods.gift_card_1).toMatchObject({ balance: 9.8 });
  });

  it('credits an old gift card', () => {
    const database = retailFixture();
    pay(database, '#W2', 'credit_card_1');
    expect(database.users.ada_lovelace_1.payment_methods.gift_card_1).toMatchObject({ balance: 70 });
  });
});
