import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineCommand } from './command.js';
import { renderConfigurationDocs } from './config-docs.js';
import { renderErrorCodeDocs } from './error-code-docs.js';
import { COMMANDS } from './registry.js';
import { REFERENCE_DOCS } from './write-reference-docs.js';

describe('generated reference pages', () => {
  it.each(REFERENCE_DOCS.map((doc) => [doc.path, doc] as const))(
    '%s is what `npm run docs:config` writes from the code now',
    (path, doc) => {
      const committed = readFileSync(join(process.cwd(), path), 'utf8');
      expect(committed, `${path} is stale: run \`npm run docs:config\``).toBe(doc.render());
    },
  );
});

describe('renderConfigurationDocs', () => {
  const command = defineCommand({
    name: 'demo',
    summary: 'A demo | with a pipe.',
    positional: 'runDir',
    schema: z.strictObject({
      runDir: z.string().default('').describe('Folder of the run.'),
      mode: z.enum(['fast', 'slow']).default('fast').describe('How to run: fast | slow.'),
      dryRun: z.boolean().default(false).describe('Print, do nothing.'),
      pattern: z.string().default('a`b').describe('A default with a backtick.'),
    }),
    run: async () => undefined,
  });
  const page = renderConfigurationDocs([command]);

  it('lists each field with key, flag, variable, type, default and description, and the config flag', () => {
    expect(page).toContain('## demo');
    expect(page).toContain('Usage: `stateset-agents demo [RUN_DIR] [flags]`');
    expect(page).toContain(
      '| `mode` | `--mode` | `STATESET_MODE` | `fast` \\| `slow` | `"fast"` | How to run: fast \\| slow. |',
    );
    expect(page).toContain(
      '| `dryRun` | `--[no-]dry-run` | `STATESET_DRY_RUN` | boolean | `false` | Print, do nothing. |',
    );
    expect(page).toContain('| `pattern` | `--pattern` | `STATESET_PATTERN` | string | `` "a`b" `` |');
    expect(page).toContain('|  | `--config` |  | file |  |');
    expect(page).toContain('A demo \\| with a pipe.');
  });

  it('documents every registered command', () => {
    const real = renderConfigurationDocs(COMMANDS);
    for (const { name } of COMMANDS) expect(real).toContain(`\n## ${name}\n`);
  });
});

describe('renderErrorCodeDocs', () => {
  it('lists every catalogued code with its status, sorted by status', () => {
    const page = renderErrorCodeDocs();
    expect(page).toContain('| 401 | `unauthorized` | No API key, or an unknown one, was presented. |');
    expect(page.indexOf('| 400 |')).toBeLessThan(page.indexOf('| 503 |'));
  });
});
