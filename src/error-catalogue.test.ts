import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ERROR_CATALOGUE } from './error-catalogue.js';

const SOURCE_ROOT = fileURLToPath(new URL('.', import.meta.url));
/** `new EngineError('shape_mismatch'`, also with the code on the next line. */
const THROWN_CODE = /new \w+Error\(\s*'([a-z0-9_]+)'/g;

function sourceFiles(): string[] {
  return readdirSync(SOURCE_ROOT, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.ts') && !file.endsWith('.test.ts') && !file.endsWith('.d.ts'))
    .map((file) => join(SOURCE_ROOT, file));
}

/** Every code constructed in `text`, e.g. `new EngineError('shape_mismatch', …)`. */
function thrownCodes(text: string): string[] {
  return [...text.matchAll(THROWN_CODE)].map((match) => match[1]);
}

describe('ERROR_CATALOGUE', () => {
  it('gives every code a description and an HTTP error status', () => {
    for (const [code, entry] of Object.entries(ERROR_CATALOGUE)) {
      expect(code, 'codes are snake_case').toMatch(/^[a-z][a-z0-9_]*$/);
      expect(entry.description.trim().length, `${code} description`).toBeGreaterThan(10);
      expect(
        Number.isInteger(entry.status) && entry.status >= 400 && entry.status <= 599,
        `${code} status`,
      ).toBe(true);
    }
  });

  it('lists every code that the sources construct', () => {
    const missing: string[] = [];
    let found = 0;
    for (const file of sourceFiles()) {
      for (const code of thrownCodes(readFileSync(file, 'utf8'))) {
        found++;
        if (!Object.hasOwn(ERROR_CATALOGUE, code))
          missing.push(`${code} (${file.slice(SOURCE_ROOT.length)})`);
      }
    }
    expect(found, 'the scan should find the codes the engine throws').toBeGreaterThan(10);
    expect(missing).toEqual([]);
  });

  it('finds codes in single- and multi-line constructions', () => {
    const text =
      "throw new EngineError('shape_mismatch', 'x');\nthrow new ConfigError(\n  'invalid_config',\n  m);";
    expect(thrownCodes(text)).toEqual(['shape_mismatch', 'invalid_config']);
    expect(thrownCodes("throw new Error('oops')")).toEqual([]);
  });
});
