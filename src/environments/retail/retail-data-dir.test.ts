import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findRetailDataDir } from './retail-data-dir.js';

async function dataFolder(parent: string): Promise<string> {
  const dir = join(parent, 'shared/tau-retail');
  await mkdir(join(dir, 'data'), { recursive: true });
  await writeFile(join(dir, 'data/orders.json'), '{}');
  return dir;
}

describe('findRetailDataDir', () => {
  it('prefers $STATESET_TAU_RETAIL, then shared/tau-retail inside the root, then beside it', async () => {
    const top = await mkdtemp(join(tmpdir(), 'retail-dir-'));
    const root = join(top, 'checkout');
    await mkdir(root);
    expect(findRetailDataDir({ root, env: {} })).toBeUndefined();
    const beside = await dataFolder(top);
    expect(findRetailDataDir({ root, env: {} })).toBe(beside);
    const inside = await dataFolder(root);
    expect(findRetailDataDir({ root })).toBe(inside);
    const elsewhere = await dataFolder(join(top, 'elsewhere'));
    expect(findRetailDataDir({ root, env: { STATESET_TAU_RETAIL: elsewhere } })).toBe(elsewhere);
  });

  it('skips a $STATESET_TAU_RETAIL that holds no data', async () => {
    const top = await mkdtemp(join(tmpdir(), 'retail-dir-'));
    const inside = await dataFolder(top);
    expect(findRetailDataDir({ root: top, env: { STATESET_TAU_RETAIL: join(top, 'empty') } })).toBe(inside);
  });
});
