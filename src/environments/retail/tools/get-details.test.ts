import { describe, expect, it } from 'vitest';
import { callTool, parsedContent, retailFixture } from '../test-support/retail-fixture.js';
import { getOrderDetails, getProductDetails, getUserDetails, listAllProductTypes } from './get-details.js';

describe('read tools', () => {
  it('returns a user, an order and a product as Python JSON text', () => {
    const database = retailFixture();
    const order = callTool(getOrderDetails, database, { order_id: '#W3' });
    expect(parsedContent(order)).toEqual(database.orders['#W3']);
    expect(order.ok && order.content).toContain('"price": 10.1, "options": {"color": "red"}');
    expect(parsedContent(callTool(getUserDetails, database, { user_id: 'bob_smith_2' }))).toEqual(
      database.users.bob_smith_2,
    );
    const product = callTool(getProductDetails, database, { product_id: '1000000001' });
    expect(parsedContent(product)).toEqual(database.products['1000000001']);
    expect(product.ok && product.content).toContain('"price": 99.0}');
  });

  it('answers not found for unknown ids, including names of Object.prototype', () => {
    const database = retailFixture();
    expect(callTool(getUserDetails, database, { user_id: 'constructor' })).toEqual({
      ok: false,
      error: 'Error: user not found',
    });
    expect(callTool(getOrderDetails, database, { order_id: 'W3' })).toEqual({
      ok: false,
      error: 'Error: order not found',
    });
    expect(callTool(getProductDetails, database, { product_id: '2000000001' })).toEqual({
      ok: false,
      error: 'Error: product not found',
    });
  });

  it('lists product names and ids sorted by name', () => {
    const outcome = callTool(listAllProductTypes, retailFixture(), {});
    expect(outcome).toEqual({ ok: true, content: '{"Book": "1000000002", "Mug": "1000000001"}' });
  });

  it('keeps sorted order for product names that look like integers', () => {
    const database = retailFixture();
    database.products['1000000001'].name = '10';
    database.products['1000000002'].name = '9';
    expect(callTool(listAllProductTypes, database, {})).toEqual({
      ok: true,
      content: '{"10": "1000000001", "9": "1000000002"}',
    });
  });
});
