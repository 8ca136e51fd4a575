import { beforeAll, describe, expect, it } from 'vitest';
import { StatesetError } from '../../errors.js';
import { freshDatabase, loadRetailData } from './retail-data.js';
import { writeFixtureDataDir } from './test-support/fixture-data-dir.js';
import { retailDataForTests } from './test-support/retail-data-for-tests.js';
import { retailFixture } from './test-support/retail-fixture.js';
import type { RetailData } from './retail-types.js';

async function loadError(changes: Record<string, string | null>): Promise<StatesetError> {
  const dir = await writeFixtureDataDir(changes);
  const error = await loadRetailData(dir).catch((caught: unknown) => caught);
  expect(error).toBeInstanceOf(StatesetError);
  expect((error as StatesetError).code).toBe('environment_data_invalid');
  return error as StatesetError;
}

describe('loadRetailData on the τ-bench data', () => {
  let data: RetailData;
  beforeAll(async () => {
    data = await retailDataForTests();
  });

  it('reads 500 users, 1,000 orders, 50 products, the policy and 16 tool schemas', () => {
    expect(Object.keys(data.database.users)).toHaveLength(500);
    expect(Object.keys(data.database.orders)).toHaveLength(1000);
    expect(Object.keys(data.database.products)).toHaveLength(50);
    expect(data.policy).toMatch(/^# Retail agent policy/);
    expect(data.toolSchemas.map((schema) => schema.function.name)).toHaveLength(16);
  });

  it('keeps the files’ key order and freezes the loaded database', () => {
    expect(Object.keys(data.database.orders['#W2611340'])).toEqual([
      'order_id',
      'user_id',
      'address',
      'items',
      'fulfillments',
      'status',
      'payment_history',
    ]);
    expect(Object.isFrozen(data.database.orders['#W2611340'].payment_history[0])).toBe(true);
    expect(() => {
      data.database.orders['#W2611340'].status = 'cancelled';
    }).toThrow(TypeError);
  });
});

describe('freshDatabase', () => {
  it('gives each episode an equal, independent, mutable copy', async () => {
    const data = await loadRetailData(await writeFixtureDataDir());
    const first = freshDatabase(data);
    const second = freshDatabase(data);
    expect(first).toEqual(retailFixture());
    first.orders['#W1'].status = 'cancelled';
    first.users.ada_lovelace_1.orders.push('#W9');
    expect(second.orders['#W1'].status).toBe('pending');
    expect(freshDatabase(data).users.ada_lovelace_1.orders).toEqual(
      retailFixture().users.ada_lovelace_1.orders,
    );
  });
});

describe('loadRetailData errors', () => {
  it('names a missing file', async () => {
    for (const file of [
      'data/users.json',
      'data/orders.json',
      'data/products.json',
      'wiki.md',
      'tool_schemas.json',
    ]) {
      const error = await loadError({ [file]: null });
      expect(error.message).toContain(`${file} not found`);
    }
  });

  it('names a missing folder', async () => {
    const error = await loadRetailData('/nonexistent/retail').catch((caught: unknown) => caught);
    expect((error as StatesetError).code).toBe('environment_data_invalid');
    expect((error as Error).message).toContain('/nonexistent/retail/data/users.json');
  });

  it('names a file that is not JSON', async () => {
    const error = await loadError({ 'data/orders.json': '{"#W1": ' });
    expect(error.message).toMatch(/data\/orders\.json is not valid JSON/);
  });

  it('names the file and the path of a malformed record', async () => {
    const orders = retailFixture().orders as Record<string, unknown>;
    const broken = { ...orders, '#W1': { ...(orders['#W1'] as object), items: [{ price: '10.1' }] } };
    const error = await loadError({ 'data/orders.json': JSON.stringify(broken) });
    expect(error.message).toMatch(/data\/orders\.json is malformed: #W1\.items\.0\./);
  });

  it('refuses an unknown payment source and a tool schema without a name', async () => {
    const users = retailFixture().users;
    const strange = JSON.stringify({
      ...users,
      x: { ...users.bob_smith_2, payment_methods: { c: { source: 'cash', id: 'c' } } },
    });
    expect((await loadError({ 'data/users.json': strange })).message).toMatch(
      /data\/users\.json is malformed: x\.payment_methods\.c/,
    );
    const schemas = JSON.stringify([{ type: 'function', function: { description: 'x', parameters: {} } }]);
    expect((await loadError({ 'tool_schemas.json': schemas })).message).toMatch(
      /tool_schemas\.json is malformed: 0\.function\.name/,
    );
  });
});
