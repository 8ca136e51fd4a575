import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeFixtureDataDir } from '../../environments/retail/test-support/fixture-data-dir.js';
import { runCli } from '../main.js';

async function cli(argv: string[], env: Record<string, string> = {}) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    env,
  });
  return { code, stdout, stderr };
}

async function dataWithActions(actions: string): Promise<{ data: string; actions: string }> {
  const data = await writeFixtureDataDir();
  await writeFile(join(data, 'actions.json'), actions);
  return { data, actions: join(data, 'actions.json') };
}

describe('stateset-agents tau-replay', () => {
  it('prints the outputs and the database hash, exit 0 even for a tool error', async () => {
    const files = await dataWithActions(
      '[{"name": "find_user_id_by_email", "kwargs": {"email": "bob@example.com"}},' +
        ' {"name": "get_order_details", "kwargs": {"order_id": "#W0"}}]',
    );
    const run = await cli(['tau-replay', '--data', files.data, '--actions', files.actions]);
    expect(run).toMatchObject({ code: 0, stderr: '' });
    const printed = JSON.parse(run.stdout) as { outputs: string[]; dbHash: string };
    expect(printed.outputs).toEqual(['bob_smith_2', 'Error: order not found']);
    expect(printed.dbHash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('exits 1 with the code and message for an unknown tool', async () => {
    const files = await dataWithActions('[{"name": "rm_rf", "kwargs": {}}]');
    const run = await cli(['tau-replay', '--data', files.data, '--actions', files.actions]);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/^error \[unknown_tool\]: actions\[0\]: unknown tool "rm_rf"/);
  });

  it('exits 1 without --actions, and without data to find', async () => {
    const missing = await cli(['tau-replay']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/error \[invalid_config\]: tau-replay needs --actions FILE/);
    const files = await dataWithActions('[]');
    const noData = await cli([
      'tau-replay',
      '--data',
      join(files.data, 'nowhere'),
      '--actions',
      files.actions,
    ]);
    expect(noData.code).toBe(1);
    expect(noData.stderr).toMatch(
      /error \[environment_data_invalid\]: retail data file data\/users\.json not found/,
    );
  });

  it('lists its flags in --help', async () => {
    const run = await cli(['tau-replay', '--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/--data/);
    expect(run.stdout).toMatch(/--actions/);
  });
});
