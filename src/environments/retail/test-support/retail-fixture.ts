// Test support: a small retail database with one of each case the tools distinguish (pending,
// delivered and processed orders; credit card, gift card and PayPal; an unavailable variant).

import type { ToolOutcome } from '../../tool.js';
import type { RetailTool } from '../retail-tool.js';
import type { Address, RetailDatabase } from '../retail-types.js';

const HOME: Address = {
  address1: '1 Analytical Way',
  address2: 'Apt 2',
  city: 'London',
  country: 'UK',
  state: 'LDN',
  zip: '10001',
};

const mug = (item_id: string, color: string, price: number) => ({
  name: 'Mug',
  product_id: '1000000001',
  item_id,
  price,
  options: { color },
});
const book = (item_id: string, cover: string, price: number) => ({
  name: 'Book',
  product_id: '1000000002',
  item_id,
  price,
  options: { cover },
});

/** A fresh fixture database: users ada_lovelace_1 and bob_smith_2, orders #W1–#W7, two products. */
export function retailFixture(): RetailDatabase {
  return {
    users: {
      ada_lovelace_1: {
        name: { first_name: 'Ada', last_name: 'Lovelace' },
        address: { ...HOME },
        email: 'Ada@Example.com',
        payment_methods: {
          credit_card_1: { source: 'credit_card', id: 'credit_card_1', brand: 'visa', last_four: '1234' },
          gift_card_1: { source: 'gift_card', id: 'gift_card_1', balance: 50 },
          paypal_1: { source: 'paypal', id: 'paypal_1' },
        },
        orders: ['#W1', '#W2', '#W3', '#W4', '#W5', '#W7'],
      },
      bob_smith_2: {
        name: { first_name: 'Bob', last_name: 'Smith' },
        address: { ...HOME, address1: '2 Baker Street' },
        email: 'bob@example.com',
        payment_methods: { gift_card_2: { source: 'gift_card', id: 'gift_card_2', balance: 500 } },
        orders: ['#W6'],
      },
    },
    products: {
      '1000000001': {
        name: 'Mug',
        product_id: '1000000001',
        variants: {
          '2000000001': { item_id: '2000000001', options: { color: 'red' }, available: true, price: 10.1 },
          '2000000002': { item_id: '2000000002', options: { color: 'blue' }, available: true, price: 12.3 },
          '2000000003': { item_id: '2000000003', options: { color: 'green' }, available: false, price: 99 },
        },
      },
      '1000000002': {
        name: 'Book',
        product_id: '1000000002',
        variants: {
          '2000000010': { item_id: '2000000010', options: { cover: 'soft' }, available: true, price: 20 },
          '2000000011': { item_id: '2000000011', options: { cover: 'hard' }, available: true, price: 125.5 },
        },
      },
    },
    orders: {
      '#W1': order(
        '#W1',
        'ada_lovelace_1',
        'pending',
        [mug('2000000001', 'red', 10.1), mug('2000000001', 'red', 10.1), book('2000000010', 'soft', 20)],
        40.2,
        'credit_card_1',
      ),
      '#W2': order('#W2', 'ada_lovelace_1', 'pending', [book('2000000010', 'soft', 20)], 20, 'gift_card_1'),
      '#W3': order(
        '#W3',
        'ada_lovelace_1',
        'delivered',
        [mug('2000000001', 'red', 10.1), book('2000000010', 'soft', 20)],
        30.1,
        'paypal_1',
      ),
      '#W4': order(
        '#W4',
        'ada_lovelace_1',
        'processed',
        [book('2000000010', 'soft', 20)],
        20,
        'credit_card_1',
      ),
      '#W5': {
        ...order('#W5', 'ada_lovelace_1', 'pending', [book('2000000010', 'soft', 20)], 20, 'credit_card_1'),
        payment_history: [],
      },
      '#W6': order(
        '#W6',
        'bob_smith_2',
        'pending',
        [book('2000000011', 'hard', 125.5)],
        125.5,
        'gift_card_2',
      ),
      '#W7': order('#W7', 'ada_lovelace_1', 'pending', [book('2000000010', 'soft', 20)], 20, 'gift_card_9'),
    },
  };
}

function order(
  order_id: string,
  user_id: string,
  status: string,
  items: RetailDatabase['orders'][string]['items'],
  amount: number,
  payment_method_id: string,
): RetailDatabase['orders'][string] {
  return {
    order_id,
    user_id,
    address: { ...HOME },
    items,
    status,
    fulfillments: [],
    payment_history: [{ transaction_type: 'payment', amount, payment_method_id }],
  };
}

/** Runs a tool as an environment would: arguments through its zod schema, then `run`. */
export function callTool<TArgs>(
  tool: RetailTool<TArgs>,
  database: RetailDatabase,
  args: unknown,
): ToolOutcome {
  return tool.run(tool.arguments.parse(args), { state: database });
}

/** The parsed JSON of a successful outcome; fails the test on an error outcome. */
export function parsedContent(outcome: ToolOutcome): unknown {
  if (!outcome.ok) throw new Error(`expected success, got ${outcome.error}`);
  return JSON.parse(outcome.content);
}
