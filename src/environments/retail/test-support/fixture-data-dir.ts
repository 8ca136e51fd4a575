// Test support: a τ-bench-shaped data folder in a temporary directory, holding the fixture database.

import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RETAIL_TOOLS } from '../retail-tools.js';
import { retailFixture } from './retail-fixture.js';

/** The files of a data folder, relative path → text. */
export function fixtureDataFiles(): Record<string, string> {
  const database = retailFixture();
  const schemas = RETAIL_TOOLS.map(({ name, description, parameters }) => ({
    type: 'function',
    function: { name, description, parameters },
  }));
  return {
    'data/users.json': JSON.stringify(database.users),
    'data/orders.json': JSON.stringify(database.orders),
    'data/products.json': JSON.stringify(database.products),
    'wiki.md': '# Retail agent policy\n',
    'tool_schemas.json': JSON.stringify(schemas),
  };
}

/** Writes a data folder with the fixture files, `changes` replacing (text) or removing (null) some. */
export async function writeFixtureDataDir(changes: Record<string, string | null> = {}): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'retail-data-'));
  await mkdir(join(dir, 'data'));
  const files = { ...fixtureDataFiles(), ...changes };
  for (const [file, text] of Object.entries(files)) if (text !== null) await writeFile(join(dir, file), text);
  return dir;
}
