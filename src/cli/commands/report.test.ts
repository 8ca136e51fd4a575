import { existsSync } from 'node:fs';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeSyntheticRun } from '../../training/report/test-support/synthetic-run.js';
import { runCli } from '../main.js';

async function cli(argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    env: {},
  });
  return { code, stdout, stderr };
}

describe('stateset-agents report', () => {
  it('writes report.html into the run folder and prints its path', async () => {
    const runDir = await writeSyntheticRun();
    const run = await cli(['report', runDir]);
    expect(run).toMatchObject({ code: 0, stderr: '', stdout: `${join(runDir, 'report.html')}\n` });
    const html = await readFile(join(runDir, 'report.html'), 'utf8');
    expect(html).toContain('<h2 id="curves">Curves</h2>');
    expect(html.match(/<svg /g)).toHaveLength(5);
  });

  it('takes the folder as --run-dir too, and --sample-groups', async () => {
    const runDir = await writeSyntheticRun();
    const run = await cli(['report', '--run-dir', runDir, '--sample-groups', '1']);
    expect(run.code).toBe(0);
    expect(existsSync(join(runDir, 'report.html'))).toBe(true);
  });

  it('exits 1 with a code for a missing folder, a folder without metrics, and no folder at all', async () => {
    const parent = await mkdtemp(join(tmpdir(), 'report-cli-'));
    const missing = await cli(['report', join(parent, 'nope')]);
    expect(missing.code).toBe(1);
    expect(missing.stdout).toBe('');
    expect(missing.stderr).toMatch(/^error \[run_not_found\]: no run directory at .*nope/);
    const empty = await cli(['report', parent]);
    expect(empty.code).toBe(1);
    expect(empty.stderr).toMatch(/^error \[run_metrics_missing\]: .* has no metrics\.jsonl/);
    const none = await cli(['report']);
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(/error \[invalid_config\]: report needs a run folder/);
  });

  it('shows the argument in --help', async () => {
    const run = await cli(['report', '--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Usage: stateset-agents report [RUN_DIR] [flags]');
    expect(run.stdout).toContain('--sample-groups');
  });
});
