import { describe, expect, it } from 'vitest';
import { callTool, retailFixture } from '../test-support/retail-fixture.js';
import { modifyPendingOrderItems } from './modify-pending-order-items.js';

type Database = ReturnType<typeof retailFixture>;
const modify = (
  database: Database,
  orderId: string,
  itemIds: string[],
  newItemIds: string[],
  methodId = 'credit_card_1',
) =>
  callTool(modifyPendingOrderItems, database, {
    order_id: orderId,
    item_ids: itemIds,
    new_item_ids: newItemIds,
    payment_method_id: methodId,
  });
const error = (message: string) => ({ ok: false, error: `Error: ${message}` });
const RED = '2000000001';
const BLUE = '2000000002';
const GREEN_UNAVAILABLE = '2000000003';
const SOFT = '2000000010';
const HARD = '2000000011';

describe('modify_pending_order_items', () => {
  it('checks order, status, item counts, lengths, variants and payment method, in that order', () => {
    const fresh = retailFixture;
    expect(modify(fresh(), '#W0', [RED], [BLUE])).toEqual(error('order not found'));
    expect(modify(fresh(), '#W3', [RED], [BLUE])).toEqual(error('non-pending order cannot be modified'));
    expect(modify(fresh(), '#W1', [RED, RED, RED], [BLUE])).toEqual(error(`${RED} not found`));
    expect(modify(fresh(), '#W1', [BLUE], [RED])).toEqual(error(`${BLUE} not found`));
    expect(modify(fresh(), '#W1', [RED, RED], [BLUE])).toEqual(
      error('the number of items to be exchanged should match'),
    );
    expect(modify(fresh(), '#W1', [RED], [GREEN_UNAVAILABLE])).toEqual(
      error(`new item ${GREEN_UNAVAILABLE} not found or available`),
    );
    expect(modify(fresh(), '#W1', [RED], [SOFT])).toEqual(error(`new item ${SOFT} not found or available`));
    expect(modify(fresh(), '#W1', [RED], [BLUE], 'paypal_9')).toEqual(error('payment method not found'));
    expect(modify(fresh(), '#W1', [SOFT], [HARD], 'gift_card_1')).toEqual(
      error('insufficient gift card balance to pay for the new item'),
    );
  });

  it('books the unrounded difference as a payment and replaces each listed item', () => {
    const database = retailFixture();
    const outcome = modify(database, '#W1', [RED, RED], [BLUE, BLUE]);
    let difference = 0;
    difference += 12.3 - 10.1;
    difference += 12.3 - 10.1;
    expect(difference).not.toBe(4.4); // the original keeps the floating-point digits
    const order = database.orders['#W1'];
    expect(order.payment_history[1]).toEqual({
      transaction_type: 'payment',
      amount: difference,
      payment_method_id: 'credit_card_1',
    });
    expect(order.items.map((item) => [item.item_id, item.price, item.options])).toEqual([
      [BLUE, 12.3, { color: 'blue' }],
      [BLUE, 12.3, { color: 'blue' }],
      [SOFT, 20, { cover: 'soft' }],
    ]);
    expect(order.status).toBe('pending (item modified)');
    expect(outcome.ok && outcome.content).toContain(
      `"amount": ${difference}, "payment_method_id": "credit_card_1"}`,
    );
    expect(modify(database, '#W1', [BLUE], [RED])).toEqual(error('non-pending order cannot be modified'));
  });

  it('refunds a cheaper swap to a gift card at once', () => {
    const database = retailFixture();
    modify(database, '#W6', [HARD], [SOFT], 'gift_card_2');
    expect(database.orders['#W6'].payment_history[1]).toEqual({
      transaction_type: 'refund',
      amount: 105.5,
      payment_method_id: 'gift_card_2',
    });
    expect(database.users.bob_smith_2.payment_methods.gift_card_2).toMatchObject({ balance: 605.5 });
  });
});
