import { appendFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CapturedConversation } from '../trajectory-store.js';
import type { InvalidLine } from './captured-conversation-json.js';
import { JsonlTrajectoryStore } from './jsonl-trajectory-store.js';
import { sampleCapture } from './test-support/sample-capture.js';

const folder = () => mkdtempSync(join(tmpdir(), 'jsonl-trajectories-'));

async function readAll(store: JsonlTrajectoryStore): Promise<CapturedConversation[]> {
  const records: CapturedConversation[] = [];
  for await (const record of store.read()) records.push(record);
  return records;
}

describe('JsonlTrajectoryStore', () => {
  it('appends one line per conversation and reads them back exactly, oldest first', async () => {
    const path = join(folder(), 'nested', 'captured.jsonl');
    const store = new JsonlTrajectoryStore({ path });
    expect(await readAll(store)).toEqual([]);
    await store.ping();
    const records = [sampleCapture({ id: 'a', ratings: [1] }), sampleCapture({ id: 'b' })];
    for (const record of records) await store.append(record);
    await store.flush();
    expect(readFileSync(path, 'utf8').split('\n')).toHaveLength(3);
    const read = await readAll(store);
    expect(read).toEqual(records);
    expect(Object.is(read[0].trajectory.turns[0].tokens?.logprobs[1], -0)).toBe(true);
    await store.close();
    expect(await readAll(new JsonlTrajectoryStore({ path }))).toEqual(records);
  });

  it('never interleaves 200 concurrent appends', async () => {
    const path = join(folder(), 'captured.jsonl');
    const store = new JsonlTrajectoryStore({ path });
    const ids = Array.from({ length: 200 }, (_, index) => `c${index}`);
    await Promise.all(ids.map((id) => store.append(sampleCapture({ id, ratings: [0.5] }))));
    await store.close();
    const read = await readAll(new JsonlTrajectoryStore({ path }));
    expect(read.map((record) => record.trajectory.id)).toEqual(ids);
  });

  it('keeps records larger than one write whole under concurrent appends', async () => {
    const path = join(folder(), 'captured.jsonl');
    const store = new JsonlTrajectoryStore({ path });
    // Node writes a file in chunks of at most 512 KiB, so each of these takes several writes.
    const big = (id: string) => {
      const record = sampleCapture({ id });
      const messages = [...record.trajectory.messages];
      messages[1] = { role: 'user', content: id.repeat(1_500_000) };
      return { ...record, trajectory: { ...record.trajectory, messages } };
    };
    const ids = ['x', 'y', 'z', 'w'];
    await Promise.all(ids.map((id) => store.append(big(id))));
    await store.close();
    const read = await readAll(new JsonlTrajectoryStore({ path }));
    expect(read.map((record) => record.trajectory.id)).toEqual(ids);
  });

  it('refuses a record that breaks the schema, and keeps appending after it', async () => {
    const path = join(folder(), 'captured.jsonl');
    const store = new JsonlTrajectoryStore({ path });
    const bad = sampleCapture({ id: 'bad', ratings: [Number.NaN] });
    await expect(store.append(bad)).rejects.toMatchObject({ code: 'invalid_trajectory' });
    await store.append(sampleCapture({ id: 'good' }));
    expect((await readAll(store)).map((record) => record.trajectory.id)).toEqual(['good']);
    await store.close();
  });

  it('names a torn last line (a crash mid-write) instead of dropping it', async () => {
    const path = join(folder(), 'captured.jsonl');
    const store = new JsonlTrajectoryStore({ path });
    await store.append(sampleCapture({ id: 'a' }));
    await store.append(sampleCapture({ id: 'b' }));
    await store.close();
    const whole = readFileSync(path, 'utf8');
    appendFileSync(path, whole.slice(0, 40));
    await expect(readAll(new JsonlTrajectoryStore({ path }))).rejects.toMatchObject({
      code: 'trajectory_store_corrupt',
      message: expect.stringMatching(
        /captured\.jsonl:3: the last line has no newline, so a write was cut short/,
      ),
    });
  });

  it('after a crash, closes the torn line off so later records stay whole, and names it', async () => {
    const path = join(folder(), 'captured.jsonl');
    const first = new JsonlTrajectoryStore({ path });
    await first.append(sampleCapture({ id: 'a' }));
    await first.close();
    appendFileSync(path, '{"trajectory":{"id":"torn"');
    const restarted = new JsonlTrajectoryStore({ path });
    await restarted.append(sampleCapture({ id: 'c' }));
    await restarted.close();

    await expect(readAll(new JsonlTrajectoryStore({ path }))).rejects.toThrow(
      /captured\.jsonl:2: invalid JSON/,
    );
    const invalid: InvalidLine[] = [];
    const lenient = new JsonlTrajectoryStore({ path, onInvalidLine: (line) => invalid.push(line) });
    expect((await readAll(lenient)).map((record) => record.trajectory.id)).toEqual(['a', 'c']);
    expect(invalid).toEqual([{ line: 2, message: expect.stringMatching(/^invalid JSON/) }]);
  });

  it('reports a line that is JSON but not a captured conversation, with its field', async () => {
    const path = join(folder(), 'captured.jsonl');
    writeFileSync(path, `${JSON.stringify({ ...sampleCapture({ id: 'a' }), owner: 7 })}\n`);
    await expect(readAll(new JsonlTrajectoryStore({ path }))).rejects.toThrow(
      /captured\.jsonl:1: owner: Invalid input: expected string/,
    );
  });

  it('reads a last line that is whole but lost only its newline', async () => {
    const path = join(folder(), 'captured.jsonl');
    writeFileSync(path, JSON.stringify(sampleCapture({ id: 'a' })));
    expect((await readAll(new JsonlTrajectoryStore({ path }))).map((record) => record.trajectory.id)).toEqual(
      ['a'],
    );
  });

  it('fails ping and append with store_unavailable where the folder cannot be made', async () => {
    const blocker = join(folder(), 'file');
    writeFileSync(blocker, '');
    const store = new JsonlTrajectoryStore({ path: join(blocker, 'deeper', 'captured.jsonl') });
    await expect(store.ping()).rejects.toMatchObject({ code: 'store_unavailable' });
    await expect(store.append(sampleCapture({ id: 'a' }))).rejects.toMatchObject({
      code: 'store_unavailable',
    });
  });
});
