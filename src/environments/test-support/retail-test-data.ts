// Test support: the τ-bench retail data folder beside the checkout, loaded once per test file.

import { fileURLToPath } from 'node:url';
import { findRetailDataDir } from '../retail/retail-data-dir.js';
import { loadRetailData } from '../retail/retail-data.js';
import type { RetailData } from '../retail/retail-types.js';

/** The retail data folder ($STATESET_TAU_RETAIL, else shared/tau-retail in or beside the repository); throws if absent. */
export function retailDataDirForTests(): string {
  const root = fileURLToPath(new URL('../../../', import.meta.url));
  const dir = findRetailDataDir({ root, env: process.env });
  if (dir === undefined)
    throw new Error(`τ-bench retail data not found in or beside ${root}; set STATESET_TAU_RETAIL`);
  return dir;
}

let cached: Promise<RetailData> | undefined;

/** The loaded retail data, shared by the tests of one file. */
export function retailDataForTests(): Promise<RetailData> {
  cached ??= loadRetailData(retailDataDirForTests());
  return cached;
}
