// Finds the τ-bench retail data folder that developers and CI keep beside the checkout.

import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** Options of `findRetailDataDir`. */
export type FindRetailDataDirOptions = {
  /** The folder to look in and beside: usually the repository root. */
  readonly root: string;
  /** Environment variables; `STATESET_TAU_RETAIL` names the folder outright. */
  readonly env?: Readonly<Record<string, string | undefined>>;
};

/** The retail data folder: $STATESET_TAU_RETAIL, else shared/tau-retail in or beside `root`; undefined if none. */
export function findRetailDataDir(options: FindRetailDataDirOptions): string | undefined {
  const candidates = [
    options.env?.STATESET_TAU_RETAIL,
    join(options.root, 'shared/tau-retail'),
    join(options.root, '../shared/tau-retail'),
  ];
  return candidates.find(
    (dir): dir is string => dir !== undefined && existsSync(join(dir, 'data/orders.json')),
  );
}
