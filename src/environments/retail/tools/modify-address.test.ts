import { describe, expect, it } from 'vitest';
import { callTool, retailFixture } from '../test-support/retail-fixture.js';
import { modifyPendingOrderAddress } from './modify-pending-order-address.js';
import { modifyUserAddress } from './modify-user-address.js';

const NEW_ADDRESS = {
  address1: '3 New Road',
  address2: '',
  city: 'Paris',
  state: 'IDF',
  country: 'France',
  zip: '75001',
};

describe('modify_pending_order_address', () => {
  it('refuses unknown and non-pending orders', () => {
    expect(callTool(modifyPendingOrderAddress, retailFixture(), { order_id: '#W0', ...NEW_ADDRESS })).toEqual(
      {
        ok: false,
        error: 'Error: order not found',
      },
    );
    expect(callTool(modifyPendingOrderAddress, retailFixture(), { order_id: '#W3', ...NEW_ADDRESS })).toEqual(
      {
        ok: false,
        error: 'Error: non-pending order cannot be modified',
      },
    );
  });

  it("replaces the order's address, fields in the original's order", () => {
    const database = retailFixture();
    const outcome = callTool(modifyPendingOrderAddress, database, { order_id: '#W1', ...NEW_ADDRESS });
    expect(database.orders['#W1'].address).toEqual(NEW_ADDRESS);
    expect(outcome.ok && outcome.content).toContain(
      '"address": {"address1": "3 New Road", "address2": "", "city": "Paris", "state": "IDF", "country": "France", "zip": "75001"}',
    );
  });

  it('requires all six address fields', () => {
    expect(
      modifyPendingOrderAddress.arguments.safeParse({ order_id: '#W1', ...NEW_ADDRESS, zip: undefined })
        .success,
    ).toBe(false);
  });
});

describe('modify_user_address', () => {
  it('refuses unknown users and replaces the address of known ones', () => {
    expect(callTool(modifyUserAddress, retailFixture(), { user_id: 'nobody', ...NEW_ADDRESS })).toEqual({
      ok: false,
      error: 'Error: user not found',
    });
    const database = retailFixture();
    const outcome = callTool(modifyUserAddress, database, { user_id: 'bob_smith_2', ...NEW_ADDRESS });
    expect(outcome.ok && JSON.parse(outcome.content).address).toEqual(NEW_ADDRESS);
    expect(database.users.bob_smith_2.address).toEqual(NEW_ADDRESS);
    expect(database.orders['#W6'].address.city).toBe('London');
  });
});
