// The canonical hash of a retail database, so that any two implementations can compare states
// (TOOLS.md, "Canonical database hash").

import { createHash } from 'node:crypto';
import { canonicalJson } from './canonical-json.js';
import type { RetailDatabase } from './retail-types.js';

/** SHA-256, lowercase hex, of the UTF-8 canonical JSON of `{ orders, products, users }`. */
export function databaseHash(database: RetailDatabase): string {
  const { orders, products, users } = database;
  return createHash('sha256').update(canonicalJson({ orders, products, users }), 'utf8').digest('hex');
}
