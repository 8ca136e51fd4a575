// A seeded random baseline for tool environments: each turn it calls a random tool with arguments
// drawn from real ids of the retail database (sometimes of the wrong type), or says a stock line.

import type { AgentTurn } from '../agents/agent.js';
import { ScriptedAgent } from '../agents/scripted-agent.js';
import { Rng } from '../engine/random.js';
import type { RetailDatabase } from '../environments/retail/retail-types.js';
import type { Tool } from '../environments/tool.js';

/** Values the random agent draws arguments from, by parameter name. */
export type ArgumentPools = Readonly<Record<string, readonly string[]>>;

/** Options of `randomToolAgent`. */
export type RandomToolAgentOptions = {
  readonly seed: number;
  readonly tools: readonly Pick<Tool<never>, 'name' | 'parameters'>[];
  /** Argument values by parameter name; other parameters get 'foo', 'bar' or '42'. */
  readonly pools: ArgumentPools;
};

/** What the random agent says when it does not call a tool (one turn in eight). */
const STOCK_LINES = ['Is there anything else?', 'Done.', 'Please confirm (yes/no).'];

/** Argument pools from a retail database: order, user, product, item and payment ids, names, emails, zips. */
export function retailArgumentPools(database: RetailDatabase): ArgumentPools {
  const users = Object.entries(database.users);
  const items = Object.values(database.products).flatMap((product) => Object.keys(product.variants));
  return {
    order_id: Object.keys(database.orders),
    user_id: users.map(([id]) => id),
    email: users.map(([, user]) => user.email),
    first_name: users.map(([, user]) => user.name.first_name),
    last_name: users.map(([, user]) => user.name.last_name),
    zip: users.map(([, user]) => user.address.zip),
    product_id: Object.keys(database.products),
    item_ids: items,
    new_item_ids: items,
    payment_method_id: users.flatMap(([, user]) => Object.keys(user.payment_methods)),
    expression: ['1 + 2', '(3 * 4) / 5', '2 +'],
  };
}

/** A random agent; the same seed gives the same turns for the same conversation length. */
export function randomToolAgent(options: RandomToolAgentOptions): ScriptedAgent {
  const rng = new Rng(options.seed);
  const pick = <T>(values: readonly T[]): T => values[rng.int(values.length)];
  const value = (name: string, schema: Record<string, unknown>): unknown => {
    if (Array.isArray(schema.enum)) return pick(schema.enum);
    const pool = options.pools[name] ?? ['foo', 'bar', '42'];
    if (schema.type === 'array') return Array.from({ length: 1 + rng.int(2) }, () => pick(pool));
    return rng.int(10) === 0 ? 42 : pick(pool); // sometimes the wrong type
  };
  return new ScriptedAgent({
    name: 'random',
    turns: ({ turnIndex }): AgentTurn => {
      if (rng.int(8) === 0) return { message: { role: 'assistant', content: pick(STOCK_LINES) } };
      const tool = pick(options.tools);
      const properties = (tool.parameters.properties ?? {}) as Record<string, Record<string, unknown>>;
      const args = Object.fromEntries(
        Object.entries(properties).map(([name, schema]) => [name, value(name, schema)]),
      );
      return {
        message: {
          role: 'assistant',
          content: '',
          toolCalls: [{ id: `random_${turnIndex}`, name: tool.name, arguments: args }],
        },
      };
    },
  });
}
