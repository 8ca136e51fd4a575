import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createRunDirectory } from './run-directory.js';

describe('createRunDirectory', () => {
  it('creates <parent>/<prefix>-<UTC stamp> and a suffixed sibling when the name is taken', () => {
    const parent = join(mkdtempSync(join(tmpdir(), 'run-dir-')), 'runs');
    const date = new Date('2025-03-04T05:06:07.890Z');
    const first = createRunDirectory({ parent, prefix: 'quickstart', date });
    const second = createRunDirectory({ parent, prefix: 'quickstart', date });
    expect(first).toBe(join(parent, 'quickstart-20250304-050607'));
    expect(second).toBe(join(parent, 'quickstart-20250304-050607-2'));
    expect(existsSync(first) && existsSync(second)).toBe(true);
  });
});
