import { describe, expect, it } from 'vitest';
import type { Message } from '../../conversation/messages.js';
import { Rng } from '../../engine/random.js';
import {
  type FactPools,
  factPools,
  idFragment,
  ORDER_ID_PATTERN,
  ORDER_STATUSES,
  swapStatus,
} from './id-fragments.js';
import { loadRetailData } from '../retail/retail-data.js';
import { retailDataDirForTests } from '../test-support/retail-test-data.js';

const ID = '#W1234567';
const OTHER = '#W7654321';
/** The agent's lookup of ID. */
const LOOKUP: Message = {
  role: 'assistant',
  content: '',
  toolCalls: [{ id: 'call_1', name: 'get_order_details', arguments: { order_id: ID } }],
};
const conversation: Message[] = [
  { role: 'system', content: 'policy' },
  { role: 'user', content: `What is the status of order ${ID}?` },
  LOOKUP,
  { role: 'tool', toolCallId: 'call_1', name: 'get_order_details', content: `order ${ID} | status: pending` },
  { role: 'assistant', content: `Order ${ID} is pending, not ${OTHER}.` },
];

describe('idFragment', () => {
  it('drops the system prompt and replaces each id consistently everywhere', () => {
    const fragment = idFragment({ messages: conversation, rng: new Rng(1), exclude: new Set() });
    expect(fragment.map((message) => message.role)).toEqual(['user', 'assistant', 'tool', 'assistant']);
    const text = JSON.stringify(fragment);
    expect(text).not.toContain(ID);
    expect(text).not.toContain(OTHER);
    const ids = [...text.matchAll(ORDER_ID_PATTERN)].map((match) => match[0]);
    expect(ids).toHaveLength(5);
    expect(new Set(ids).size).toBe(2); // the two originals map to two fresh ids
    const fresh = ids[0];
    const call = fragment[1].role === 'assistant' ? fragment[1].toolCalls?.[0] : undefined;
    expect(call?.arguments.order_id).toBe(fresh);
    expect(fragment[2].content).toBe(`order ${fresh} | status: pending`);
    expect(fragment[3].content.startsWith(`Order ${fresh} is pending, not #W`)).toBe(true);
  });

  it('is deterministic in the rng, differs across draws, and never draws an excluded id', () => {
    const draw = (seed: number, exclude = new Set<string>()) =>
      JSON.stringify(idFragment({ messages: conversation, rng: new Rng(seed), exclude }));
    expect(draw(3)).toBe(draw(3));
    expect(draw(3)).not.toBe(draw(4));
    const first = [...draw(3).matchAll(ORDER_ID_PATTERN)][0][0];
    const excluded = draw(3, new Set([first]));
    expect(excluded).not.toContain(first);
  });
});

describe('idFragment with facts', () => {
  const details = (items: string, address: string) =>
    `order ${ID} | status: delivered | items: ${items} | address: ${address}`;
  const withFacts: Message[] = [
    { role: 'user', content: `Which items are in order ${ID}?` },
    LOOKUP,
    {
      role: 'tool',
      toolCallId: 'call_1',
      name: 'get_order_details',
      content: details('Tea Kettle, Electric Kettle', '463 Pine Lane, San Antonio'),
    },
    {
      role: 'assistant',
      content: `Order ${ID} has: Tea Kettle, Electric Kettle; it ships to 463 Pine Lane, San Antonio.`,
    },
  ];
  const pools: FactPools = {
    itemNames: ['Kettle', 'Tablet', 'Grill', 'Bicycle'],
    streets: ['Oak Street', 'Broadway'],
    cities: ['Denver', 'Austin'],
  };

  it('replaces every item, address and city of a tool result consistently, wherever it appears', () => {
    for (let seed = 0; seed < 20; seed++) {
      const fragment = idFragment({
        messages: withFacts,
        rng: new Rng(seed),
        exclude: new Set(),
        facts: pools,
      });
      const result = fragment[2].content;
      const facts = /items: (.*), (.*) \| address: (\d+) (.*), (.*)$/.exec(result);
      if (facts === null) throw new Error(`unexpected tool result ${result}`);
      const [, first, second, number, street, city] = facts;
      expect(pools.itemNames).toContain(first);
      expect(pools.itemNames).toContain(second);
      expect(first).not.toBe(second); // two names stay two names
      expect(Number(number)).toBeGreaterThanOrEqual(1);
      expect(Number(number)).toBeLessThanOrEqual(999);
      expect(pools.streets).toContain(street);
      expect(pools.cities).toContain(city);
      expect(result).toContain('status: delivered'); // the status stays
      const id = /#W\d{7}/.exec(result)?.[0];
      expect(fragment[3].content).toBe(
        `Order ${id} has: ${first}, ${second}; it ships to ${number} ${street}, ${city}.`,
      );
      const text = JSON.stringify(fragment);
      for (const old of ['Tea Kettle', 'Electric Kettle', 'Pine Lane', 'San Antonio'])
        expect(text).not.toContain(old);
    }
  });

  it('keeps names with quotes and backslashes intact, as the tool result and the answer state them', () => {
    const odd = 'The "Best" Mug \\ 2';
    const messages: Message[] = withFacts.map((message) =>
      message.role === 'tool' || message.role === 'assistant'
        ? { ...message, content: message.content.replaceAll('Tea Kettle', odd) }
        : message,
    );
    const quoted = { ...pools, itemNames: ['A "quoted" \\ name', 'Grill'] };
    const fragment = idFragment({ messages, rng: new Rng(3), exclude: new Set(), facts: quoted });
    const text = JSON.stringify(fragment);
    expect(text).not.toContain('Best');
    expect(fragment[2].content).toMatch(/items: (A "quoted" \\ name, Grill|Grill, A "quoted" \\ name) \|/);
    expect(fragment[3].content).toContain(fragment[2].content.split('items: ')[1].split(' | ')[0]);
  });

  it('leaves conversations without order details, and the status, as they were', () => {
    const fragment = idFragment({
      messages: conversation,
      rng: new Rng(2),
      exclude: new Set(),
      facts: pools,
    });
    expect(fragment[2].content).toMatch(/^order #W\d{7} \| status: pending$/);
  });

  it("draws from the database's own item names, streets and cities", async () => {
    const { database } = await loadRetailData(retailDataDirForTests());
    const pools = factPools(database);
    const order = Object.values(database.orders)[0];
    expect(pools.itemNames).toContain(order.items[0].name);
    expect(pools.cities).toContain(order.address.city);
    expect(pools.streets).toContain(order.address.address1.replace(/^\d+ /, ''));
    expect(pools.streets.every((street) => !/^\d/.test(street))).toBe(true);
    expect(new Set(pools.itemNames).size).toBe(pools.itemNames.length);
  });
});

describe('swapStatus', () => {
  const cancelling: Message[] = [
    { role: 'user', content: `Please cancel order ${ID}, I no longer need it.` },
    LOOKUP,
    {
      role: 'tool',
      toolCallId: 'call_1',
      name: 'get_order_details',
      content: `order ${ID} | status: pending | items: Lamp`,
    },
    {
      role: 'assistant',
      content: `Order ${ID} is pending, cancelling it now.`,
      toolCalls: [{ id: 'call_2', name: 'cancel_pending_order', arguments: { order_id: ID } }],
    },
    {
      role: 'tool',
      toolCallId: 'call_2',
      name: 'cancel_pending_order',
      content: `order ${ID} | status: cancelled`,
    },
    { role: 'assistant', content: `Order ${ID} is now cancelled.` },
  ];

  it('gives the lookup a drawn status and ends at the answer stating it, the decision dropped', () => {
    const swapped = swapStatus(cancelling, new Rng(3));
    if (swapped === undefined) throw new Error('no swap');
    expect(ORDER_STATUSES).toContain(swapped.status);
    expect(swapped.messages).toHaveLength(4);
    expect(swapped.messages.slice(0, 2)).toEqual(cancelling.slice(0, 2));
    expect(swapped.messages[2].content).toBe(`order ${ID} | status: ${swapped.status} | items: Lamp`);
    expect(swapped.messages[3]).toEqual({ role: 'assistant', content: `Order ${ID} is ${swapped.status}.` });
  });

  it('draws every status, and replaces a status the answer got wrong', () => {
    const wrong: Message[] = [
      ...conversation.slice(0, 3),
      { ...conversation[3] },
      { role: 'assistant', content: `Order ${ID} is processed.` },
    ];
    const rng = new Rng(5);
    const drawn = new Set<string>();
    for (let draw = 0; draw < 40; draw++) {
      const swapped = swapStatus(wrong, rng);
      if (swapped === undefined) throw new Error('no swap');
      drawn.add(swapped.status);
      expect(swapped.messages.at(-1)?.content).toBe(`Order ${ID} is ${swapped.status}.`);
      expect(swapped.messages.at(-2)?.content).toBe(`order ${ID} | status: ${swapped.status}`);
    }
    expect([...drawn].sort()).toEqual([...ORDER_STATUSES].sort());
  });

  it('leaves out answers that do not state the status, and conversations without a lookup', () => {
    const items: Message[] = [
      ...conversation.slice(0, 4),
      { role: 'assistant', content: `Order ${ID} has: Lamp.` },
    ];
    expect(swapStatus(items, new Rng(1))).toBeUndefined();
    const claimed: Message[] = [
      ...conversation.slice(0, 4),
      { role: 'assistant', content: `Order ${ID} is now cancelled.` },
    ];
    expect(swapStatus(claimed, new Rng(1))).toBeUndefined();
    expect(swapStatus(conversation.slice(0, 2), new Rng(1))).toBeUndefined();
  });
});
