import { mkdtemp, writeFile } from 'node:fs/promises';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runTauReplay } from './tau-replay.js';
import { writeFixtureDataDir } from './test-support/fixture-data-dir.js';
import { retailDataDir } from './test-support/retail-data-for-tests.js';

let dataDir: string;
let scratch: string;
beforeAll(async () => {
  dataDir = await writeFixtureDataDir();
  scratch = await mkdtemp(join(tmpdir(), 'tau-replay-'));
});

async function actionsFile(text: string): Promise<string> {
  const file = join(scratch, `actions-${Math.random().toString(36).slice(2)}.json`);
  await writeFile(file, text);
  return file;
}

describe('runTauReplay', () => {
  it('prints one JSON object with the outputs and the database hash, and exits 0', async () => {
    const file = await actionsFile(
      JSON.stringify([
        { name: 'get_order_details', kwargs: { order_id: '#W3' } },
        {
          name: 'modify_pending_order_payment',
          kwargs: { order_id: '#W1', payment_method_id: 'gift_card_1' },
        },
      ]),
    );
    const result = await runTauReplay({ dataDir, actionsFile: file });
    expect(result.exitCode).toBe(0);
    expect(result.stderr).toBe('');
    expect(result.stdout.endsWith('\n')).toBe(true);
    const printed = JSON.parse(result.stdout) as { outputs: string[]; dbHash: string };
    expect(Object.keys(printed)).toEqual(['outputs', 'dbHash']);
    expect(printed.outputs).toHaveLength(2);
    expect(JSON.parse(printed.outputs[0])).toMatchObject({ order_id: '#W3', status: 'delivered' });
    expect(printed.dbHash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('exits 0 when a tool answers with an error string', async () => {
    const file = await actionsFile(
      '[{"name": "cancel_pending_order", "kwargs": {"order_id": "#W3", "reason": "no longer needed"}}]',
    );
    const result = await runTauReplay({ dataDir, actionsFile: file });
    expect(result.exitCode).toBe(0);
    expect(JSON.parse(result.stdout).outputs).toEqual(['Error: non-pending order cannot be cancelled']);
  });

  it.each([
    [
      'an unknown tool',
      '[{"name": "think", "kwargs": {"thought": "x"}}, {"name": "drop_tables", "kwargs": {}}]',
      /actions\[1\]: unknown tool "drop_tables".*\[unknown_tool\]/,
    ],
    ['malformed JSON', '[{"name": ', /is not valid JSON.*\[invalid_config\]/],
    [
      'JSON that is not an array',
      '{"name": "think", "kwargs": {}}',
      /the actions: .*expected \[\{ "name": tool.*\[invalid_config\]/,
    ],
    ['an action without kwargs', '[{"name": "think"}]', /actions\[0\]\.kwargs: /],
  ])('exits 1 with a message for %s', async (_case, text, message) => {
    const result = await runTauReplay({ dataDir, actionsFile: await actionsFile(text) });
    expect(result).toMatchObject({ exitCode: 1, stdout: '' });
    expect(result.stderr).toMatch(/^tau-replay: /);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).toContain(result.error?.message);
  });

  it('exits 1 for an actions file it cannot read', async () => {
    const result = await runTauReplay({ dataDir, actionsFile: join(scratch, 'missing.json') });
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(/cannot read actions file .*missing\.json/);
    expect(result.error?.code).toBe('invalid_config');
  });

  it('exits 1 naming the data file that is missing', async () => {
    const result = await runTauReplay({
      dataDir: await writeFixtureDataDir({ 'data/products.json': null }),
      actionsFile: await actionsFile('[]'),
    });
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(/data\/products\.json not found.*\[environment_data_invalid\]/);
  });

  it("reproduces a dev task's expected result on the τ-bench data", async () => {
    const dir = retailDataDir();
    const [expected] = JSON.parse(await readFile(join(dir, 'expected/dev.json'), 'utf8')) as {
      actions: unknown[];
      db_hash: string;
    }[];
    const result = await runTauReplay({
      dataDir: dir,
      actionsFile: await actionsFile(JSON.stringify(expected.actions)),
    });
    expect(result.exitCode).toBe(0);
    expect(JSON.parse(result.stdout).dbHash).toBe(expected.db_hash);
  });
});
