import { beforeAll, describe, expect, it } from 'vitest';
import { databaseHash } from './database-hash.js';
import { createDatabaseHasher } from './database-hasher.js';
import { retailDataForTests } from './test-support/retail-data-for-tests.js';
import { retailFixture } from './test-support/retail-fixture.js';
import type { RetailData, RetailDatabase } from './retail-types.js';
import { freshDatabase } from './retail-data.js';

/** README.md of the τ-bench data: the canonical hash of the untouched database. */
const FRESH_HASH = 'd991536bad97041c473ace12f4934d7bef3ce26b3ec29995b6dc9c8c0280157a';

let data: RetailData;
beforeAll(async () => {
  data = await retailDataForTests();
});

describe('databaseHash', () => {
  it('gives the published hash of the fresh database', () => {
    expect(databaseHash(data.database)).toBe(FRESH_HASH);
    expect(databaseHash(freshDatabase(data))).toBe(FRESH_HASH);
  });

  it('ignores key order and sees every change', () => {
    const database = retailFixture();
    const reordered: RetailDatabase = {
      users: Object.fromEntries(Object.entries(database.users).reverse()),
      products: database.products,
      orders: Object.fromEntries(Object.entries(database.orders).reverse()),
    };
    const before = databaseHash(database);
    expect(databaseHash(reordered)).toBe(before);
    database.users.bob_smith_2.payment_methods.gift_card_2 = {
      source: 'gift_card',
      id: 'gift_card_2',
      balance: 499.99,
    };
    expect(databaseHash(database)).not.toBe(before);
  });

  it('is a lowercase hex SHA-256', () => {
    expect(databaseHash(retailFixture())).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('createDatabaseHasher', () => {
  const changes: [string, (database: RetailDatabase) => void][] = [
    ['nothing', () => {}],
    ['a status', (database) => void (database.orders['#W1'].status = 'cancelled')],
    [
      'an appended payment',
      (database) =>
        void database.orders['#W2'].payment_history.push({
          transaction_type: 'refund',
          amount: 1,
          payment_method_id: 'x',
        }),
    ],
    ['an added field', (database) => void (database.orders['#W3'].cancel_reason = 'no longer needed')],
    ['a removed order', (database) => void delete database.orders['#W4']],
    [
      'an added order',
      (database) => void (database.orders['#W9'] = { ...database.orders['#W1'], order_id: '#W9' }),
    ],
    ['a renamed product', (database) => void (database.products['1000000001'].name = 'Cup')],
    ['a user address', (database) => void (database.users.ada_lovelace_1.address.zip = '99999')],
  ];

  it.each(changes)('hashes exactly as databaseHash after %s', (_name, change) => {
    const reference = retailFixture();
    const hash = createDatabaseHasher(reference);
    const database = retailFixture();
    change(database);
    expect(hash(database)).toBe(databaseHash(database));
  });

  it('does not depend on later changes to the reference', () => {
    const reference = retailFixture();
    const hash = createDatabaseHasher(reference);
    reference.orders['#W1'].status = 'delivered';
    const database = retailFixture();
    expect(hash(database)).toBe(databaseHash(database));
  });

  it('gives the published hash of the fresh retail database', () => {
    expect(createDatabaseHasher(data.database)(freshDatabase(data))).toBe(FRESH_HASH);
  });
});
