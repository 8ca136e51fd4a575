// Copy-curriculum data for support-lite warm starts: teacher conversations without their system
// prompt, every order id (and, optionally, every fact of a tool result) replaced by a fresh random
// one, so that the only way to predict it is to copy it from earlier in the conversation (the
// induction-head behaviour of Olsson et al. 2022).

import type { Message } from '../../conversation/messages.js';
import type { Rng } from '../../engine/random.js';
import type { RetailDatabase } from '../retail/retail-types.js';

/** How an order id looks in support-lite: `#W` and seven digits. */
export const ORDER_ID_PATTERN = /#W\d{7}/g;

/** Options of `idFragment`. */
export type IdFragmentOptions = {
  /** A conversation (a teacher demonstration's messages). */
  readonly messages: readonly Message[];
  /** Draws the new ids. */
  readonly rng: Rng;
  /** Ids never to draw (the database's real orders, so no fragment names a real, held-out order). */
  readonly exclude: ReadonlySet<string>;
  /**
   * When given, the facts of each order a tool result describes (item names, street address, city)
   * are replaced too, consistently, by draws from these pools; the status stays (what the agent may
   * do depends on it, and the teacher's habits with it).
   */
  readonly facts?: FactPools;
};

/** What facts are drawn from: the database's own values, so a fragment reads like real data. */
export type FactPools = {
  readonly itemNames: readonly string[];
  /** Street names without the house number ('Pine Lane'). */
  readonly streets: readonly string[];
  readonly cities: readonly string[];
};

/** The distinct item names, street names and cities of a database's orders, sorted. */
export function factPools(database: RetailDatabase): FactPools {
  const orders = Object.values(database.orders);
  const distinct = (values: string[]) => [...new Set(values)].filter((value) => value !== '').sort();
  return {
    itemNames: distinct(orders.flatMap((order) => order.items.map((item) => item.name))),
    streets: distinct(orders.map((order) => order.address.address1.replace(/^\d+\s+/, ''))),
    cities: distinct(orders.map((order) => order.address.city)),
  };
}

/** The facts of a support-lite order line: `items: A, B | address: 463 Pine Lane, San Antonio` at its end. */
const ORDER_FACTS = /\| items: (.*) \| address: (\d+ [^,|]+), ([^,|]+)$/;

/**
 * The conversation without system messages, each distinct order id (in text, tool arguments and
 * tool results alike) consistently replaced by a fresh `#W` id drawn uniformly from the ones not
 * excluded. The structure, the facts and any teacher mistake stay as they were.
 */
export function idFragment(options: IdFragmentOptions): Message[] {
  const fresh = new Map<string, string>();
  const replace = (id: string): string => {
    let next = fresh.get(id);
    while (next === undefined || options.exclude.has(next)) {
      next = `#W${String(options.rng.int(10_000_000)).padStart(7, '0')}`;
    }
    fresh.set(id, next);
    return next;
  };
  const turns = options.messages.filter((message) => message.role !== 'system');
  // Messages are plain JSON data (text, tool calls with JSON arguments), so a JSON round trip is exact.
  let json = JSON.stringify(turns);
  if (options.facts !== undefined) json = replaceFacts(json, turns, options.facts, options.rng);
  return JSON.parse(json.replace(ORDER_ID_PATTERN, replace)) as Message[];
}

/**
 * `json` with every item name, street address and city that a tool result of `turns` states
 * replaced, wherever it appears, by a fresh draw: items and cities from the pools, addresses as a
 * random house number on a random street. All replacements happen in one pass, longest text first,
 * so 'Tea Kettle' is never half-replaced as 'Kettle' and a fresh value is never replaced again.
 */
function replaceFacts(json: string, turns: readonly Message[], pools: FactPools, rng: Rng): string {
  const fresh = new Map<string, string>();
  const draw = (original: string, pool: readonly string[]) => {
    if (fresh.has(original) || pool.length === 0) return;
    const used = new Set(fresh.values());
    const unused = pool.filter((value) => !used.has(value));
    const choices = unused.length > 0 ? unused : pool;
    fresh.set(original, choices[rng.int(choices.length)]);
  };
  for (const turn of turns) {
    if (turn.role !== 'tool') continue;
    const facts = ORDER_FACTS.exec(turn.content);
    if (facts === null) continue;
    for (const name of facts[1].split(', ')) draw(name, pools.itemNames);
    if (!fresh.has(facts[2]) && pools.streets.length > 0) {
      const street = pools.streets[rng.int(pools.streets.length)];
      fresh.set(facts[2], `${1 + rng.int(999)} ${street}`);
    }
    draw(facts[3], pools.cities);
  }
  if (fresh.size === 0) return json;
  // Both sides as they appear inside a JSON string, so a name with a quote or a backslash stays valid JSON.
  const inJson = (text: string) => JSON.stringify(text).slice(1, -1);
  const replacements = new Map([...fresh].map(([from, to]) => [inJson(from), inJson(to)]));
  const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const keys = [...replacements.keys()].sort((a, b) => b.length - a.length).map(escape);
  return json.replace(new RegExp(keys.join('|'), 'g'), (match) => replacements.get(match) ?? match);
}

/** The statuses an order can have, the ones a status swap draws from. */
export const ORDER_STATUSES: readonly string[] = ['pending', 'processed', 'delivered', 'cancelled'];

/** A fragment whose looked-up status was swapped; see `swapStatus`. */
export type StatusSwap = { readonly messages: Message[]; readonly status: string };

/**
 * The messages up to the first agent answer after the first order lookup, with the status of that
 * lookup's result replaced by a uniform draw from `ORDER_STATUSES`, and the answer cut to the status
 * as it reads it: "Order #W1 is <status>." (the answer's own status, a habit's wrong one included,
 * gives way to the drawn one). So the status can only be predicted by copying it from the tool
 * result, and no decision that depended on the old status is kept. Undefined when the conversation
 * has no lookup with a status, or its answer does not begin "Order <id> is " (items, addresses).
 */
export function swapStatus(messages: readonly Message[], rng: Rng): StatusSwap | undefined {
  const lookup = messages.findIndex(
    (message) => message.role === 'tool' && /\| status: \w+/.test(message.content),
  );
  if (lookup < 0) return undefined;
  const answer = messages.findIndex((message, index) => index > lookup && message.role === 'assistant');
  if (answer < 0) return undefined;
  const said = /^Order (#W\d{7}) is \w+/.exec(messages[answer].content);
  if (said === null || /^Order #W\d{7} is now/.test(messages[answer].content)) return undefined;
  const status = ORDER_STATUSES[rng.int(ORDER_STATUSES.length)];
  const tool = messages[lookup];
  return {
    status,
    messages: [
      ...messages.slice(0, lookup),
      { ...tool, content: tool.content.replace(/\| status: \w+/, `| status: ${status}`) },
      ...messages.slice(lookup + 1, answer),
      { role: 'assistant', content: `Order ${said[1]} is ${status}.` },
    ],
  };
}
