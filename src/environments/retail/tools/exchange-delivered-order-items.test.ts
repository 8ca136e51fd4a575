import { describe, expect, it } from 'vitest';
import { callTool, retailFixture } from '../test-support/retail-fixture.js';
import { exchangeDeliveredOrderItems } from './exchange-delivered-order-items.js';

type Database = ReturnType<typeof retailFixture>;
const exchange = (
  database: Database,
  orderId: string,
  itemIds: string[],
  newItemIds: string[],
  methodId = 'paypal_1',
) =>
  callTool(exchangeDeliveredOrderItems, database, {
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

describe('exchange_delivered_order_items', () => {
  it('checks order, status, item counts, lengths, variants and payment method, in that order', () => {
    const fresh = retailFixture;
    expect(exchange(fresh(), '#W0', [RED], [BLUE])).toEqual(error('order not found'));
    expect(exchange(fresh(), '#W1', [RED], [BLUE])).toEqual(error('non-delivered order cannot be exchanged'));
    expect(exchange(fresh(), '#W3', [RED, RED], [BLUE, BLUE])).toEqual(error(`${RED} not found`));
    expect(exchange(fresh(), '#W3', [RED], [])).toEqual(
      error('the number of items to be exchanged should match'),
    );
    expect(exchange(fresh(), '#W3', [RED], [GREEN_UNAVAILABLE])).toEqual(
      error(`new item ${GREEN_UNAVAILABLE} not found or available`),
    );
    expect(exchange(fresh(), '#W3', [RED], [BLUE], 'gift_card_2')).toEqual(error('payment method not found'));
    expect(exchange(fresh(), '#W3', [SOFT], [HARD], 'gift_card_1')).toEqual(
      error('insufficient gift card balance to pay for the price difference'),
    );
  });

  it('records the request with sorted ids and the rounded difference; no money moves', () => {
    const database = retailFixture();
    const outcome = exchange(database, '#W3', [SOFT, RED], [HARD, BLUE]);
    const order = database.orders['#W3'];
    expect(order).toMatchObject({
      status: 'exchange requested',
      exchange_items: [RED, SOFT],
      exchange_new_items: [BLUE, HARD],
      exchange_payment_method_id: 'paypal_1',
      exchange_price_difference: 107.7,
    });
    expect(order.items.map((item) => item.item_id)).toEqual([RED, SOFT]);
    expect(order.payment_history).toHaveLength(1);
    expect(outcome.ok && outcome.content).toMatch(/"exchange_price_difference": 107\.7}$/);
    expect(exchange(database, '#W3', [RED], [BLUE])).toEqual(
      error('non-delivered order cannot be exchanged'),
    );
  });
});
