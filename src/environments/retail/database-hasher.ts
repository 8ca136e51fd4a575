// A faster database hash for databases that descend from one reference (the loaded data): records
// still equal to the reference reuse its canonical text. Same result as `databaseHash`.

import { createHash } from 'node:crypto';
import { canonicalJson } from './canonical-json.js';
import { sameJson } from './same-json.js';
import type { RetailDatabase } from './retail-types.js';

type TableName = 'orders' | 'products' | 'users';

/** Table names in canonical (sorted) order. */
const TABLES: readonly TableName[] = ['orders', 'products', 'users'];

/**
 * A hash function equal to `databaseHash`, for databases copied from `reference`. Comparing a record
 * with the reference costs less than printing it, and few records change in an episode. The
 * reference is copied, so later changes to it do not matter.
 */
export function createDatabaseHasher(reference: RetailDatabase): (database: RetailDatabase) => string {
  const snapshot = structuredClone(reference);
  const texts: Record<TableName, Map<string, string>> = {
    orders: new Map(),
    products: new Map(),
    users: new Map(),
  };
  const recordText = (table: TableName, key: string, record: unknown): string => {
    const original: Record<string, unknown> = snapshot[table];
    if (!Object.hasOwn(original, key) || !sameJson(record, original[key])) return canonicalJson(record);
    let text = texts[table].get(key);
    if (text === undefined) {
      text = canonicalJson(original[key]);
      texts[table].set(key, text);
    }
    return text;
  };
  return (database) => {
    // Fed piece by piece: the same bytes as canonicalJson({ orders, products, users }), no big string.
    const sha = createHash('sha256');
    for (const [index, table] of TABLES.entries()) {
      sha.update(`${index === 0 ? '{' : ','}${JSON.stringify(table)}:{`);
      const records: Record<string, unknown> = database[table];
      for (const [position, key] of Object.keys(records).sort().entries()) {
        sha.update(
          `${position === 0 ? '' : ','}${JSON.stringify(key)}:${recordText(table, key, records[key])}`,
        );
      }
      sha.update('}');
    }
    return sha.update('}').digest('hex');
  };
}
