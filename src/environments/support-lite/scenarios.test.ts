import { beforeAll, describe, expect, it } from 'vitest';
import type { RetailDatabase } from '../retail/retail-types.js';
import {
  buildSupportLiteScenarios,
  fnv1a32,
  MAX_ITEMS_FOR_ITEMS_INTENT,
  splitOfUser,
  splitScenarios,
  type SupportLiteScenario,
} from './scenarios.js';
import { retailDataForTests } from '../test-support/retail-test-data.js';

let database: RetailDatabase;
let scenarios: SupportLiteScenario[];
beforeAll(async () => {
  database = (await retailDataForTests()).database;
  scenarios = buildSupportLiteScenarios({ database });
});

describe('support-lite scenarios', () => {
  it('hashes with FNV-1a (published test vectors)', () => {
    expect(fnv1a32('')).toBe(0x811c9dc5);
    expect(fnv1a32('a')).toBe(0xe40c292c);
    expect(fnv1a32('foobar')).toBe(0xbf9cf968);
  });

  it('builds one scenario per order and intent, items only for short orders', () => {
    const orders = Object.values(database.orders);
    const short = orders.filter((order) => order.items.length <= MAX_ITEMS_FOR_ITEMS_INTENT).length;
    expect(scenarios).toHaveLength(3 * orders.length + short);
    expect(new Set(scenarios.map((scenario) => scenario.id)).size).toBe(scenarios.length);
    const first = scenarios[0];
    expect(first).toMatchObject({ id: 'status:#W2611340', intent: 'status', orderId: '#W2611340' });
    expect(first.status).toBe(database.orders['#W2611340'].status);
  });

  it('cancels exactly the pending orders asked to be cancelled, with a fixed reason per order', () => {
    for (const scenario of scenarios) {
      expect(scenario.shouldCancel).toBe(scenario.intent === 'cancel' && scenario.status === 'pending');
    }
    expect(buildSupportLiteScenarios({ database })).toEqual(scenarios);
    const reasons = new Set(scenarios.map((scenario) => scenario.reason));
    expect(reasons).toEqual(new Set(['no longer needed', 'ordered by mistake']));
  });

  it('holds out about a fifth of the users, and never puts one user in both splits', () => {
    const splits = splitScenarios(scenarios);
    const userOf = new Map(scenarios.map((scenario) => [scenario.id, scenario.userId]));
    const usersOf = (ids: readonly string[]) => new Set(ids.map((id) => userOf.get(id)));
    const train = usersOf(splits.train);
    const test = usersOf(splits.test);
    expect([...test].filter((user) => train.has(user))).toEqual([]);
    const share = test.size / (test.size + train.size);
    expect(share).toBeGreaterThan(0.12);
    expect(share).toBeLessThan(0.28);
    for (const user of test) expect(splitOfUser(user as string)).toBe('test');
  });

  it('can restrict the intents', () => {
    const only = buildSupportLiteScenarios({ database, intents: ['cancel'] });
    expect(only.every((scenario) => scenario.intent === 'cancel')).toBe(true);
    expect(only).toHaveLength(Object.keys(database.orders).length);
  });
});
