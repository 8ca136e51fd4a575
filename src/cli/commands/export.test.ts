import { mkdtempSync, readFileSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readTrajectoriesJsonl } from '../../conversation/trajectory-jsonl.js';
import { JsonlTrajectoryStore } from '../../serving/stores/jsonl-trajectory-store.js';
import { RedisTrajectoryStore } from '../../serving/stores/redis-trajectory-store.js';
import { RedisTestServer } from '../../serving/stores/test-support/redis-server.js';
import { sampleCapture } from '../../serving/stores/test-support/sample-capture.js';
import type { CapturedConversation } from '../../serving/trajectory-store.js';
import { readChatJsonl } from '../../training/chat-dataset.js';
import { runCliCaptured } from '../test-support/run-cli-captured.js';

const cli = (argv: readonly string[]) => runCliCaptured(argv);

/** Four captures: rated good, rated bad, unrated in another environment, and one with no reply. */
const CAPTURES: readonly CapturedConversation[] = [
  sampleCapture({ id: 'good', ratings: [-1, 1] }),
  sampleCapture({ id: 'bad', ratings: [1, -1] }),
  sampleCapture({ id: 'unrated', environment: 'support-lite' }),
  sampleCapture({ id: 'silent', ratings: [1], noReply: true }),
];

async function capturedStore(records = CAPTURES): Promise<{ dir: string; path: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'export-cli-'));
  const path = join(dir, 'captured', 'replica-1.jsonl');
  const store = new JsonlTrajectoryStore({ path });
  for (const record of records) await store.append(record);
  await store.close();
  return { dir, path };
}

describe('stateset-agents export', () => {
  it('writes chat JSONL that the sft loader reads, the same messages, and prints its counts', async () => {
    const { dir, path } = await capturedStore();
    const out = join(dir, 'chat.jsonl');
    const run = await cli(['export', path, '--out', out]);
    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(run.stdout).toBe(
      `read 4 conversations\ndropped 1 with no assistant reply\nwrote 3 conversations (chat) to ${out}\n`,
    );
    const examples = await readChatJsonl({ path: out });
    expect(examples.map((example) => example.messages)).toEqual(
      CAPTURES.slice(0, 3).map((record) => record.trajectory.messages),
    );
    const first = JSON.parse(readFileSync(out, 'utf8').split('\n')[0]) as { messages: unknown[] };
    expect(first.messages[2]).toEqual({
      role: 'assistant',
      content: '',
      tool_calls: [
        { id: 'call-1', type: 'function', function: { name: 'get_order', arguments: '{"order_id":"good"}' } },
      ],
    });
  });

  it('filters on the latest rating and the environment, and stops at --limit', async () => {
    const { dir } = await capturedStore();
    const out = join(dir, 'rated.jsonl');
    const rated = await cli(['export', '--from', join(dir, 'captured'), '--out', out, '--min-rating', '0.5']);
    expect(rated.code).toBe(0);
    expect(rated.stdout).toContain('dropped 1 rated below 0.5, 1 unrated\n');
    expect((await readChatJsonl({ path: out })).map((example) => example.messages[1].content)).toEqual([
      'Where is order good?',
    ]);

    const support = await cli([
      'export',
      join(dir, 'captured'),
      '--out',
      out,
      '--environment',
      'support-lite',
    ]);
    expect(support.stdout).toContain('dropped 3 from other environments\n');
    expect((await readChatJsonl({ path: out })).map((example) => example.messages[1].content)).toEqual([
      'Where is order unrated?',
    ]);

    const limited = await cli(['export', join(dir, 'captured'), '--out', out, '--limit', '2']);
    expect(limited.stdout).toMatch(/^read 4 conversations\n/);
    expect(limited.stdout).toContain(`wrote 2 conversations (chat, the --limit) to ${out}\n`);
    expect(await readChatJsonl({ path: out })).toHaveLength(2);
  });

  it('writes a conversation captured again after late feedback once, from the record with all its feedback', async () => {
    const first = sampleCapture({ id: 'late', ratings: [] });
    const again = { ...sampleCapture({ id: 'late', ratings: [-1] }), capturedAt: '2025-01-01T00:20:00.000Z' };
    const { dir, path } = await capturedStore([again, sampleCapture({ id: 'other' }), first]);
    const out = join(dir, 'trajectories.jsonl');
    const run = await cli(['export', path, '--out', out, '--format', 'trajectories']);
    expect(run.stdout).toBe(
      `read 2 conversations\nmerged 1 repeated records (feedback after the end)\n` +
        `wrote 2 conversations (trajectories) to ${out}\n`,
    );
    const written = await readTrajectoriesJsonl({ path: out });
    expect(written.map((trajectory) => trajectory.id)).toEqual(['late', 'other']);
    expect(written[0].metadata.feedback).toEqual(again.feedback);

    const rated = await cli(['export', path, '--out', out, '--min-rating', '0']);
    expect(rated.stdout).toContain('dropped 1 rated below 0, 1 unrated\n');
  });

  it('writes trajectory JSONL with the exact tokens and the feedback, which sft reads too', async () => {
    const { dir, path } = await capturedStore();
    const out = join(dir, 'trajectories.jsonl');
    const run = await cli(['export', path, '--out', out, '--format', 'trajectories']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('wrote 3 conversations (trajectories)');
    const trajectories = await readTrajectoriesJsonl({ path: out });
    expect(trajectories.map((trajectory) => trajectory.turns)).toEqual(
      CAPTURES.slice(0, 3).map((record) => record.trajectory.turns),
    );
    expect(Object.is(trajectories[0].turns[0].tokens?.logprobs[1], -0)).toBe(true);
    expect(trajectories[0].metadata.feedback).toEqual(CAPTURES[0].feedback);
    expect(trajectories[2].metadata).not.toHaveProperty('feedback');
    expect(JSON.stringify(trajectories)).not.toContain('key-1');
    expect(await readChatJsonl({ path: out })).toHaveLength(3);
  });

  it('fails on a torn line naming file and line, or skips it with --skip-invalid', async () => {
    const { dir, path } = await capturedStore(CAPTURES.slice(0, 1));
    appendFileSync(path, '{"trajectory":{"id":"torn"');
    const store = new JsonlTrajectoryStore({ path });
    await store.append(CAPTURES[1]);
    await store.close();
    const out = join(dir, 'chat.jsonl');

    const strict = await cli(['export', path, '--out', out]);
    expect(strict.code).toBe(1);
    expect(strict.stderr).toMatch(/^error \[trajectory_store_corrupt\]: .*replica-1\.jsonl:2: invalid JSON/);
    expect(() => readFileSync(out)).toThrow();

    const lenient = await cli(['export', path, '--out', out, '--skip-invalid']);
    expect(lenient.code).toBe(0);
    expect(lenient.stderr).toMatch(/^skipped .*replica-1\.jsonl:2: invalid JSON/);
    expect(lenient.stdout).toContain('read 2 conversations\nskipped 1 malformed lines\n');
    expect(await readChatJsonl({ path: out })).toHaveLength(2);
  });

  it('reads a Redis trajectory store', async () => {
    const server = await RedisTestServer.launch();
    try {
      const store = new RedisTrajectoryStore({ url: server.url, key: 'captured' });
      for (const record of CAPTURES) await store.append(record);
      await store.close();
      const out = join(mkdtempSync(join(tmpdir(), 'export-cli-')), 'chat.jsonl');
      const run = await cli(['export', server.url, '--redis-key', 'captured', '--out', out]);
      expect(run.stderr).toBe('');
      expect(run.stdout).toContain(`wrote 3 conversations (chat) to ${out}`);
      expect(await readChatJsonl({ path: out })).toHaveLength(3);
    } finally {
      await server.close();
    }
  });

  it('exits 1 naming what is missing', async () => {
    const none = await cli(['export', '--out', 'x.jsonl']);
    expect(none.stderr).toMatch(/error \[invalid_config\]: export needs a store and a file/);
    const missing = await cli(['export', '/nonexistent/captured.jsonl', '--out', 'x.jsonl']);
    expect(missing).toMatchObject({
      code: 1,
      stderr: 'error [invalid_config]: no trajectory store at /nonexistent/captured.jsonl\n',
    });
    const empty = mkdtempSync(join(tmpdir(), 'export-cli-'));
    const noFiles = await cli(['export', empty, '--out', join(empty, 'x.jsonl')]);
    expect(noFiles.stderr).toMatch(/holds no \*\.jsonl files/);
  });
});
