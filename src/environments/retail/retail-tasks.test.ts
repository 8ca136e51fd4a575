import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { retailDataDirForTests } from '../test-support/retail-test-data.js';
import { loadRetailTasks } from './retail-tasks.js';

describe('loadRetailTasks', () => {
  it('loads the three splits with ids <split>-<index>', async () => {
    const dataDir = retailDataDirForTests();
    const [train, dev, test] = await Promise.all(
      (['train', 'dev', 'test'] as const).map((split) => loadRetailTasks({ dataDir, split })),
    );
    expect([train.length, dev.length, test.length]).toEqual([500, 20, 115]);
    expect(dev[0]).toMatchObject({
      id: 'dev-0',
      split: 'dev',
      index: 0,
      userId: 'olivia_ito_3591',
      actions: [
        { name: 'cancel_pending_order', kwargs: { order_id: '#W5442520', reason: 'no longer needed' } },
      ],
      outputs: [],
    });
    expect(dev[17].actions).toEqual([]);
    expect(test.filter((task) => task.outputs.length > 0).length).toBeGreaterThan(10);
  });

  it('rejects a missing or malformed task file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'retail-tasks-'));
    await expect(loadRetailTasks({ dataDir: dir, split: 'dev' })).rejects.toMatchObject({
      code: 'environment_data_invalid',
    });
    await writeFile(
      join(dir, 'tasks_dev.json'),
      JSON.stringify([{ user_id: 'x', instruction: 'y', actions: [] }]),
    );
    await expect(loadRetailTasks({ dataDir: dir, split: 'dev' })).rejects.toThrow(/malformed at 0\.outputs/);
  });
});
