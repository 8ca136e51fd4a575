// Loads the τ-bench retail data folder (data/*.json, wiki.md, tool_schemas.json) with a clear error
// naming any missing or malformed file, and hands each episode its own deep copy of the database.

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { EnvironmentError } from '../../errors.js';
import type { RetailData, RetailDatabase, RetailToolSchema } from './retail-types.js';

const addressSchema = z.object({
  address1: z.string(),
  address2: z.string(),
  city: z.string(),
  country: z.string(),
  state: z.string(),
  zip: z.string(),
});
const optionsSchema = z.record(z.string(), z.string());

const productSchema = z.object({
  name: z.string(),
  product_id: z.string(),
  variants: z.record(
    z.string(),
    z.object({ item_id: z.string(), options: optionsSchema, available: z.boolean(), price: z.number() }),
  ),
});

const paymentMethodSchema = z.discriminatedUnion('source', [
  z.object({ source: z.literal('credit_card'), id: z.string(), brand: z.string(), last_four: z.string() }),
  z.object({ source: z.literal('gift_card'), id: z.string(), balance: z.number() }),
  z.object({ source: z.literal('paypal'), id: z.string() }),
]);

const userSchema = z.object({
  name: z.object({ first_name: z.string(), last_name: z.string() }),
  address: addressSchema,
  email: z.string(),
  payment_methods: z.record(z.string(), paymentMethodSchema),
  orders: z.array(z.string()),
});

const orderSchema = z.object({
  order_id: z.string(),
  user_id: z.string(),
  address: addressSchema,
  items: z.array(
    z.object({
      name: z.string(),
      product_id: z.string(),
      item_id: z.string(),
      price: z.number(),
      options: optionsSchema,
    }),
  ),
  status: z.string(),
  fulfillments: z.array(z.object({ tracking_id: z.array(z.string()), item_ids: z.array(z.string()) })),
  payment_history: z.array(
    z.object({
      transaction_type: z.enum(['payment', 'refund']),
      amount: z.number(),
      payment_method_id: z.string(),
    }),
  ),
});

const toolSchemasSchema = z.array(
  z.object({
    type: z.literal('function'),
    function: z.object({
      name: z.string(),
      description: z.string(),
      parameters: z.record(z.string(), z.unknown()),
    }),
  }),
);

/** Reads and validates a τ-bench retail data folder; throws EnvironmentError('environment_data_invalid'). */
export async function loadRetailData(dir: string): Promise<RetailData> {
  // Read together, but report the first failure in file order, so the same bad folder always gets
  // the same message (Promise.all would reject with whichever read failed first).
  const settled = await Promise.allSettled([
    readJsonFile(dir, 'data/users.json', z.record(z.string(), userSchema)),
    readJsonFile(dir, 'data/orders.json', z.record(z.string(), orderSchema)),
    readJsonFile(dir, 'data/products.json', z.record(z.string(), productSchema)),
    readTextFile(dir, 'wiki.md'),
    readJsonFile(dir, 'tool_schemas.json', toolSchemasSchema),
  ] as const);
  const failed = settled.find((result) => result.status === 'rejected');
  if (failed !== undefined) throw failed.reason;
  const [users, orders, products, policy, toolSchemas] = settled.map(
    (result) => (result as PromiseFulfilledResult<unknown>).value,
  );
  // The validated input is kept as parsed: zod's output would reorder keys and drop unknown ones.
  const database = deepFreeze({ users, orders, products } as RetailDatabase);
  return { database, policy: policy as string, toolSchemas: toolSchemas as RetailToolSchema[] };
}

/**
 * A deep, mutable copy of the loaded database for one episode; the loaded data never changes. A
 * plain JSON copy: same keys in the same order as structuredClone gives, in a third of the time.
 */
export function freshDatabase(data: RetailData): RetailDatabase {
  return copyJson(data.database);
}

function copyJson<T>(value: T): T {
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) return value.map(copyJson) as T;
  const copy: Record<string, unknown> = {};
  for (const key of Object.keys(value)) copy[key] = copyJson((value as Record<string, unknown>)[key]);
  return copy as T;
}

async function readTextFile(dir: string, file: string): Promise<string> {
  const path = join(dir, file);
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'not found' : 'unreadable';
    throw new EnvironmentError(
      'environment_data_invalid',
      `retail data file ${file} ${reason} (looked at ${path})`,
      { cause: error },
    );
  }
}

async function readJsonFile(dir: string, file: string, schema: z.ZodType): Promise<unknown> {
  const text = await readTextFile(dir, file);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new EnvironmentError(
      'environment_data_invalid',
      `retail data file ${file} is not valid JSON: ${(error as Error).message}`,
      { cause: error },
    );
  }
  const checked = schema.safeParse(value);
  if (!checked.success) {
    const problems = checked.error.issues
      .slice(0, 3)
      .map((issue) => `${issue.path.map(String).join('.') || '(root)'}: ${issue.message}`);
    throw new EnvironmentError(
      'environment_data_invalid',
      `retail data file ${file} is malformed: ${problems.join('; ')}`,
    );
  }
  return value;
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}
