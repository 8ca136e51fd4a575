// Test support: the τ-bench retail data folder kept beside the checkout, loaded once per test file.

import { fileURLToPath } from 'node:url';
import { findRetailDataDir } from '../retail-data-dir.js';
import { loadRetailData } from '../retail-data.js';
import type { RetailData } from '../retail-types.js';

/** The data folder: $STATESET_TAU_RETAIL, else shared/tau-retail in or beside the repository. */
export function retailDataDir(): string {
  const root = fileURLToPath(new URL('../../../../', import.meta.url));
  const dir = findRetailDataDir({ root, env: process.env });
  if (dir === undefined)
    throw new Error(`τ-bench retail data not found in or beside ${root}; set STATESET_TAU_RETAIL`);
  return dir;
}

let loaded: Promise<RetailData> | undefined;

/** The loaded data, shared by the tests of one file. */
export function retailDataForTests(): Promise<RetailData> {
  loaded ??= loadRetailData(retailDataDir());
  return loaded;
}
