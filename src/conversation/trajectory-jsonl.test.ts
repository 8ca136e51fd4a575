import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Trajectory } from './trajectory.js';
import {
  parseTrajectoriesJsonl,
  readTrajectoriesJsonl,
  trajectoriesToJsonl,
  writeTrajectoriesJsonl,
} from './trajectory-jsonl.js';

const TRAJECTORY: Trajectory = {
  id: 'traj-1',
  groupId: 'g',
  messages: [
    { role: 'system', content: 'S' },
    { role: 'user', content: 'Où est ma commande ? 😀' },
    {
      role: 'assistant',
      content: '',
      toolCalls: [{ id: 'c0', name: 'get', arguments: { n: -0, x: [0.1, 1e-300], s: 'a"b' } }],
    },
    { role: 'tool', toolCallId: 'c0', name: 'get', content: 'err', isError: true },
    { role: 'assistant', content: 'done' },
  ],
  turns: [
    { messageIndex: 2, tokens: { prompt: [1, 2], completion: [3], logprobs: [-0.1 - 0.2] }, reward: -0 },
    {
      messageIndex: 4,
      tokens: { prompt: [4], completion: [5, 6], logprobs: [-1.2345678901234567, -0], newSequence: true },
    },
  ],
  reward: 0.30000000000000004,
  rewardParts: { success: 1, length: -5e-324 },
  metadata: {
    seed: 7,
    scenarioId: 'sc',
    environment: 'retail',
    stopReason: 'user_stop',
    startedAt: '2024-05-01T10:00:00.000Z',
    durationMs: 12.5,
    toolErrors: 1,
    policy: { name: 'local', temperature: 1 },
  },
};

describe('trajectory JSONL', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'trajectories-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('round-trips through a file exactly, negative zero and extreme numbers included', async () => {
    const path = join(dir, 'out.jsonl');
    await writeTrajectoriesJsonl({ path, trajectories: [TRAJECTORY, { ...TRAJECTORY, id: 'traj-2' }] });
    const back = await readTrajectoriesJsonl({ path });
    expect(back).toStrictEqual([TRAJECTORY, { ...TRAJECTORY, id: 'traj-2' }]);
    expect(Object.is(back[0].turns[0].reward, -0)).toBe(true);
    expect(Object.is(back[0].turns[1].tokens?.logprobs[1], -0)).toBe(true);
    expect(
      Object.is(
        (back[0].messages[2] as unknown as { toolCalls: { arguments: { n: number } }[] }).toolCalls[0]
          .arguments.n,
        -0,
      ),
    ).toBe(true);
    expect((await readFile(path, 'utf8')).split('\n')).toHaveLength(3);
  });

  it('appends to a file, and reads from text', async () => {
    const path = join(dir, 'out.jsonl');
    await writeTrajectoriesJsonl({ path, trajectories: [TRAJECTORY] });
    await writeTrajectoriesJsonl({ path, trajectories: [{ ...TRAJECTORY, id: 'more' }], append: true });
    expect((await readTrajectoriesJsonl({ path })).map((t) => t.id)).toEqual(['traj-1', 'more']);
    const text = `\n${trajectoriesToJsonl([TRAJECTORY])}\n\n`;
    expect(await readTrajectoriesJsonl({ text })).toStrictEqual([TRAJECTORY]);
  });

  it('names the file and line of a malformed line', async () => {
    const path = join(dir, 'bad.jsonl');
    const good = trajectoriesToJsonl([TRAJECTORY]);
    await writeFile(path, `${good}{"id": "x", oops\n`);
    await expect(readTrajectoriesJsonl({ path })).rejects.toThrow(
      expect.objectContaining({
        code: 'invalid_trajectory',
        message: expect.stringMatching(/bad\.jsonl:2: invalid JSON/),
      }),
    );
  });

  it('reports schema violations with their line and field', () => {
    const line = (patch: object) =>
      JSON.stringify({ ...JSON.parse(trajectoriesToJsonl([TRAJECTORY])), ...patch });
    const cases: [string, RegExp][] = [
      [line({ messages: [{ role: 'robot', content: '' }] }), /messages\.0\.role/],
      [
        line({ turns: [{ messageIndex: 0 }] }),
        /turns\.0\.messageIndex: messageIndex 0 is not an assistant message/,
      ],
      [
        line({ turns: [{ messageIndex: 2, tokens: { prompt: [], completion: [1], logprobs: [] } }] }),
        /logprobs must have one value per completion token/,
      ],
      [
        line({ turns: [{ messageIndex: 2, tokens: { prompt: [-1], completion: [], logprobs: [] } }] }),
        /turns\.0\.tokens\.prompt\.0/,
      ],
      [line({ extra: 1 }), /extra/],
      [line({ metadata: { ...TRAJECTORY.metadata, stopReason: 'bored' } }), /metadata\.stopReason/],
    ];
    for (const [text, message] of cases) {
      const parsed = parseTrajectoriesJsonl(`${trajectoriesToJsonl([TRAJECTORY])}${text}\n`);
      expect(parsed.ok).toBe(false);
      if (!parsed.ok) {
        expect(parsed.error.line).toBe(2);
        expect(parsed.error.message).toMatch(message);
      }
    }
  });

  it('refuses to write non-finite numbers or invalid trajectories', () => {
    expect(() => trajectoriesToJsonl([{ ...TRAJECTORY, reward: Number.NaN }])).toThrow(
      expect.objectContaining({ code: 'invalid_trajectory', message: expect.stringMatching(/reward/) }),
    );
    const infinite = {
      ...TRAJECTORY,
      metadata: { ...TRAJECTORY.metadata, extra: [Number.POSITIVE_INFINITY] },
    };
    expect(() => trajectoriesToJsonl([infinite])).toThrow(/metadata\.extra\[0\] is Infinity/);
  });
});
