import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { assertDocumented } from '../../config/schema-fields.js';
import { RewardError } from '../../errors.js';
import type { RewardContext } from '../reward-function.js';
import { createRubric } from '../rubric.js';
import { say, trajectoryOf } from '../test-support/trajectory-fixture.js';
import { createGroupJudge, type GroupJudgeOptions } from './group-judge.js';
import { GroupJudgeConfigSchema } from './judge-config.js';
import {
  markerJudgeReply,
  markersInPrompt,
  startLoopbackChatServer,
  type LoopbackChatServer,
  type ScriptedReply,
} from './test-support/loopback-chat-server.js';

const MARKERS = [0.1, 0.9, 0.3, 0.7, 0.5];
const servers: LoopbackChatServer[] = [];
const folders: string[] = [];

afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
  await Promise.all(folders.splice(0).map((folder) => rm(folder, { recursive: true, force: true })));
});

async function serve(reply: (index: number) => ScriptedReply | 'judge'): Promise<LoopbackChatServer> {
  const server = await startLoopbackChatServer((request, index) => {
    const scripted = reply(index);
    return scripted === 'judge' ? markerJudgeReply(request) : scripted;
  });
  servers.push(server);
  return server;
}

/** A group whose trajectories say `SCORE=<marker>` in their last assistant message. */
function group(markers: readonly number[], groupId = 'g'): RewardContext[] {
  return markers.map((marker, index) => ({
    trajectory: trajectoryOf(
      [
        say.system('You are a support agent.'),
        say.user('Where is my order?'),
        say.assistant(`It shipped. SCORE=${marker}`),
      ],
      { id: `${groupId}-${index}`, groupId },
    ),
  }));
}

function judgeAt(server: LoopbackChatServer, overrides: Partial<GroupJudgeOptions> = {}) {
  return createGroupJudge({
    baseURL: server.baseURL,
    apiKey: 'test-key',
    model: 'judge-model',
    rubric: 'Higher SCORE markers are better.',
    timeoutMs: 2_000,
    maxRetries: 2,
    retryBaseDelayMs: 1,
    retryMaxDelayMs: 5,
    random: () => 0.5,
    ...overrides,
  });
}

describe('createGroupJudge', () => {
  it('scores a group in one call, shuffled, and maps the scores back to the input order', async () => {
    const server = await serve(() => 'judge');
    const judge = judgeAt(server, { seed: 7 });
    const verdict = await judge.judge(group(MARKERS));
    expect(server.requests).toHaveLength(1);
    const shown = markersInPrompt(server.requests[0]);
    expect([...shown].sort()).toEqual([...MARKERS].sort());
    expect(shown, 'the prompt order is shuffled').not.toEqual(MARKERS);
    expect(verdict).toMatchObject({ scores: MARKERS, cached: false });
    expect(verdict.explanations).toHaveLength(MARKERS.length);
    const { body, headers } = server.requests[0];
    expect(body).toMatchObject({
      model: 'judge-model',
      temperature: 0,
      response_format: { type: 'json_object' },
    });
    expect(body.messages[1].content).toContain('Higher SCORE markers are better.');
    expect(headers.authorization).toBe('Bearer test-key');
  });

  it('answers a repeated group from the cache without an HTTP call, and re-asks for a new rubric', async () => {
    const server = await serve(() => 'judge');
    const judge = judgeAt(server);
    await judge.judge(group(MARKERS));
    const again = await judge.judge(group(MARKERS));
    expect(again).toMatchObject({ scores: MARKERS, cached: true });
    expect(server.requests).toHaveLength(1);
    await Promise.all([judgeAt(server).judge(group([0.2, 0.4])), judgeAt(server).judge(group([0.2, 0.4]))]);
    expect(server.requests).toHaveLength(3); // separate judges, separate memory caches
    await judgeAt(server, { rubric: 'Another rubric.' }).judge(group(MARKERS));
    expect(server.requests).toHaveLength(4);
    const uncached = judgeAt(server, { cache: false });
    await uncached.judge(group(MARKERS));
    await uncached.judge(group(MARKERS));
    expect(server.requests).toHaveLength(6);
  });

  it('shares one request between concurrent calls for the same group', async () => {
    const server = await serve(() => 'judge');
    const judge = judgeAt(server);
    const [first, second] = await Promise.all([judge.judge(group(MARKERS)), judge.judge(group(MARKERS))]);
    expect(first.scores).toEqual(MARKERS);
    expect(second.scores).toEqual(MARKERS);
    expect(server.requests).toHaveLength(1);
  });

  it('keeps verdicts on disk for a later judge, and fails loudly on a corrupt cache file', async () => {
    const server = await serve(() => 'judge');
    const directory = await mkdtemp(join(tmpdir(), 'judge-cache-'));
    folders.push(directory);
    await judgeAt(server, { cacheDirectory: directory }).judge(group(MARKERS));
    const files = await readdir(directory);
    expect(files).toHaveLength(1);
    const later = await judgeAt(server, { cacheDirectory: directory }).judge(group(MARKERS));
    expect(later).toMatchObject({ scores: MARKERS, cached: true });
    expect(server.requests).toHaveLength(1);
    await writeFile(join(directory, files[0]), '{"version":1,');
    await expect(judgeAt(server, { cacheDirectory: directory }).judge(group(MARKERS))).rejects.toMatchObject({
      code: 'judge_cache_corrupt',
    });
  });

  it('retries a 500 and a 429, then succeeds', async () => {
    const server = await serve((index) =>
      index === 0
        ? { status: 500, body: { error: { message: 'overloaded' } } }
        : index === 1
          ? { status: 429, body: { error: { message: 'slow down' } }, headers: { 'retry-after': '0' } }
          : 'judge',
    );
    const verdict = await judgeAt(server).judge(group(MARKERS));
    expect(verdict.scores).toEqual(MARKERS);
    expect(server.requests).toHaveLength(3);
  });

  it('gives up after maxRetries with judge_request_failed, and does not retry a 401', async () => {
    const failing = await serve(() => ({ status: 503, body: { error: { message: 'down' } } }));
    const error = await judgeAt(failing, { maxRetries: 2 })
      .judge(group(MARKERS))
      .catch((caught: unknown) => caught);
    expect(error).toMatchObject({
      code: 'judge_request_failed',
      message: expect.stringContaining('after 3 attempts'),
    });
    expect(failing.requests).toHaveLength(3);
    const unauthorised = await serve(() => ({ status: 401, body: { error: { message: 'bad key' } } }));
    await expect(judgeAt(unauthorised).judge(group(MARKERS))).rejects.toMatchObject({
      code: 'judge_request_failed',
      message: expect.stringContaining('not retried'),
    });
    expect(unauthorised.requests).toHaveLength(1);
  });

  it('times out with judge_timeout after retrying', async () => {
    const server = await serve(() => ({ hang: true }));
    const error = await judgeAt(server, { timeoutMs: 100, maxRetries: 1 })
      .judge(group(MARKERS))
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(RewardError);
    expect(error).toMatchObject({ code: 'judge_timeout' });
    expect(server.requests).toHaveLength(2);
  });

  const ids = ['t1', 't2'];
  const entry = (id: string, score: unknown) => ({ id, score, explanation: 'x' });
  const malformed: Record<string, ScriptedReply> = {
    'not JSON': { content: 'The first one is better.' },
    'no scores array': { content: JSON.stringify({ ranking: ids }) },
    'a missing id': { content: JSON.stringify({ scores: [entry('t1', 0.5)] }) },
    'an unknown id': {
      content: JSON.stringify({ scores: [entry('t1', 0.5), entry('t2', 0.5), entry('t9', 1)] }),
    },
    'a duplicate id': { content: JSON.stringify({ scores: [entry('t1', 0.5), entry('t1', 0.6)] }) },
    'a score above 1': { content: JSON.stringify({ scores: [entry('t1', 1.5), entry('t2', 0.5)] }) },
    'a negative score': { content: JSON.stringify({ scores: [entry('t1', -0.1), entry('t2', 0.5)] }) },
    'a score as text': { content: JSON.stringify({ scores: [entry('t1', '0.5'), entry('t2', 0.5)] }) },
    'no message content': { status: 200, body: { id: 'x', object: 'chat.completion', choices: [] } },
  };
  for (const [what, reply] of Object.entries(malformed)) {
    it(`fails with judge_malformed_output, never a 0, for ${what}`, async () => {
      const server = await serve(() => reply);
      const judge = judgeAt(server);
      await expect(judge.judge(group([0.2, 0.4]))).rejects.toMatchObject({ code: 'judge_malformed_output' });
      expect(server.requests).toHaveLength(1);
      await expect(judge.judge(group([0.2, 0.4]))).rejects.toMatchObject({ code: 'judge_malformed_output' });
      expect(server.requests, 'failures are not cached').toHaveLength(2);
    });
  }

  it('is a group reward inside a rubric: one call per group, metrics per name', async () => {
    const server = await serve(() => 'judge');
    const rubric = createRubric({ components: [{ reward: judgeAt(server, { name: 'ruler' }), weight: 1 }] });
    const contexts = [...group([0.2, 0.4], 'A'), ...group([0.6, 0.8], 'B')];
    const { results, metrics } = await rubric.evaluateBatch(contexts);
    expect(results.map((result) => result.total)).toEqual([0.2, 0.4, 0.6, 0.8]);
    expect(metrics['reward/ruler/mean']).toBeCloseTo(0.5, 12);
    expect(server.requests).toHaveLength(2);
    expect(await judgeAt(server).scoreGroup([])).toEqual([]);
    expect(server.requests).toHaveLength(2);
  });

  it('rejects invalid settings and documents every field', () => {
    const base = { baseURL: 'http://127.0.0.1:1/v1', model: 'm' };
    expect(() => createGroupJudge({ ...base, timeoutMs: 0 })).toThrow(RewardError);
    expect(() => createGroupJudge({ ...base, baseURL: 'not a url' })).toThrow(/baseURL/);
    expect(() => createGroupJudge({ ...base, name: 'a/b' })).toThrow(/reward name/);
    expect(() => createGroupJudge({ ...base, tempreature: 1 } as GroupJudgeOptions)).toThrow(/tempreature/);
    expect(() => assertDocumented(GroupJudgeConfigSchema)).not.toThrow();
  });
});
