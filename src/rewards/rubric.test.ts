import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { RewardError } from '../errors.js';
import { createLogger } from '../observability/logger.js';
import { defineReward } from './define-reward.js';
import type { GroupRewardFunction } from './group-reward-function.js';
import type { RewardContext } from './reward-function.js';
import { createRubric } from './rubric.js';
import { say, trajectoryOf } from './test-support/trajectory-fixture.js';
import { weightedTotal } from './weighted-total.js';

/** A context whose trajectory carries `value` in its metadata, for rewards that read it back. */
function contextWith(id: string, value: number | undefined, groupId?: string): RewardContext {
  return {
    trajectory: trajectoryOf([say.user('hi'), say.assistant('hello')], { id, groupId, metadata: { value } }),
  };
}
const valueOf = (context: RewardContext) => context.trajectory.metadata.value as number | undefined;
const echo = defineReward({ name: 'echo', score: valueOf });
const constant = (name: string, value: number | undefined) => defineReward({ name, score: () => value });
const thrower = defineReward({
  name: 'flaky',
  score: (context) => {
    if (context.trajectory.id === 'bad') throw new TypeError('boom');
    return 1;
  },
});

describe('weightedTotal', () => {
  it('is Σ w·s / Σ w over defined scores, undefined when none is defined', () => {
    expect(
      weightedTotal([
        { score: 1, weight: 3 },
        { score: 0, weight: 1 },
      ]),
    ).toBe(0.75);
    expect(
      weightedTotal([
        { score: 1, weight: 3 },
        { score: undefined, weight: 1 },
      ]),
    ).toBe(1);
    expect(weightedTotal([{ score: undefined, weight: 1 }])).toBeUndefined();
  });
});

describe('createRubric', () => {
  it('returns the weighted mean over applicable parts, and every part by name', async () => {
    const rubric = createRubric({
      components: [
        { reward: echo, weight: 2 },
        { reward: constant('one', 1), weight: 1 },
        { reward: constant('na', undefined), weight: 5 },
      ],
    });
    expect(rubric.names).toEqual(['echo', 'one', 'na']);
    expect(await rubric.evaluate(contextWith('t', 0.25))).toEqual({
      total: (2 * 0.25 + 1) / 3,
      parts: { echo: 0.25, one: 1, na: undefined },
      skipped: [],
    });
    const none = createRubric({ components: [{ reward: constant('na', undefined), weight: 1 }] });
    expect((await none.evaluate(contextWith('t', 1))).total).toBeUndefined();
  });

  it("fails with a RewardError naming the reward and keeping the cause under onError 'fail'", async () => {
    const rubric = createRubric({
      components: [
        { reward: echo, weight: 1 },
        { reward: thrower, weight: 1 },
      ],
    });
    const error = await rubric.evaluate(contextWith('bad', 1)).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(RewardError);
    expect(error).toMatchObject({
      code: 'reward_failed',
      message: expect.stringMatching(/"flaky".*"bad".*boom/),
    });
    expect((error as RewardError).cause).toBeInstanceOf(TypeError);
  });

  it('treats a non-finite score as a failure, never as 0', async () => {
    for (const value of [Number.NaN, Number.POSITIVE_INFINITY]) {
      const rubric = createRubric({ components: [{ reward: constant('nan', value), weight: 1 }] });
      await expect(rubric.evaluate(contextWith('t', 1))).rejects.toMatchObject({
        code: 'reward_invalid_score',
      });
    }
    const text = defineReward({ name: 'text', score: () => '1' as unknown as number });
    await expect(
      createRubric({ components: [{ reward: text, weight: 1 }] }).evaluate(contextWith('t', 1)),
    ).rejects.toThrow(/returned a string/);
  });

  it("skips failing components under onError 'skip', lists them, counts them and logs a warning", async () => {
    const lines: Record<string, unknown>[] = [];
    const destination = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        lines.push(
          ...chunk
            .toString()
            .trim()
            .split('\n')
            .map((line) => JSON.parse(line) as Record<string, unknown>),
        );
        callback();
      },
    });
    const logger = createLogger({ level: 'debug', destination, env: {} });
    const rubric = createRubric({
      components: [
        { reward: echo, weight: 1 },
        { reward: thrower, weight: 3 },
      ],
      onError: 'skip',
      logger,
    });
    const batch = await rubric.evaluateBatch([
      contextWith('bad', 0.5),
      contextWith('good', 0),
      contextWith('na', undefined),
    ]);
    expect(batch.results[0]).toEqual({
      total: 0.5,
      parts: { echo: 0.5, flaky: undefined },
      skipped: ['flaky'],
    });
    expect(batch.results[1]).toEqual({ total: 0.75, parts: { echo: 0, flaky: 1 }, skipped: [] });
    expect(batch.results[2]).toEqual({ total: 1, parts: { echo: undefined, flaky: 1 }, skipped: [] });
    expect(batch.metrics).toEqual({
      'reward/mean': (0.5 + 0.75 + 1) / 3,
      'reward/echo/mean': 0.25, // over the two trajectories it applied to
      'reward/echo/skipped': 0,
      'reward/flaky/mean': 1,
      'reward/flaky/skipped': 1,
    });
    const components = lines.filter((line) => line.msg === 'reward component');
    expect(components).toHaveLength(5);
    expect(components[0]).toMatchObject({ trajectoryId: 'bad', reward: 'echo', score: 0.5 });
    const skips = lines.filter((line) => line.msg === 'reward component skipped');
    expect(skips).toEqual([expect.objectContaining({ trajectoryId: 'bad', reward: 'flaky', level: 40 })]);
  });

  it('leaves a component mean out of the metrics when it applied to nothing', async () => {
    const rubric = createRubric({ components: [{ reward: constant('na', undefined), weight: 1 }] });
    const { metrics } = await rubric.evaluateBatch([contextWith('a', 1)]);
    expect(metrics).toEqual({ 'reward/na/skipped': 0 });
  });

  it('calls a group reward once per groupId and maps its scores back to the batch order', async () => {
    const calls: string[][] = [];
    const rank: GroupRewardFunction = {
      name: 'rank',
      scoreGroup: async (contexts) => {
        calls.push(contexts.map((context) => context.trajectory.id));
        return contexts.map((context) => valueOf(context));
      },
    };
    const rubric = createRubric({
      components: [
        { reward: rank, weight: 1 },
        { reward: echo, weight: 1 },
      ],
    });
    const contexts = [
      contextWith('a1', 0.1, 'A'),
      contextWith('b1', 0.2, 'B'),
      contextWith('a2', 0.3, 'A'),
      contextWith('x', 0.4),
    ];
    const { results, metrics } = await rubric.evaluateBatch(contexts);
    expect(calls).toEqual([['a1', 'a2'], ['b1'], ['x']]);
    expect(results.map((result) => result.parts.rank)).toEqual([0.1, 0.2, 0.3, 0.4]);
    expect(metrics['reward/rank/mean']).toBeCloseTo(0.25, 12);
  });

  it('fails or skips a whole group when a group reward throws or answers with the wrong length', async () => {
    const short: GroupRewardFunction = { name: 'short', scoreGroup: () => [1] };
    const group = [contextWith('a', 1, 'G'), contextWith('b', 1, 'G')];
    const failing = createRubric({ components: [{ reward: short, weight: 1 }] });
    await expect(failing.evaluateGroup(group)).rejects.toMatchObject({
      code: 'reward_invalid_score',
      message: expect.stringContaining('1 scores for 2 trajectories'),
    });
    const judgeError = new RewardError('judge_malformed_output', 'not JSON');
    const judge: GroupRewardFunction = { name: 'judge', scoreGroup: () => Promise.reject(judgeError) };
    const strict = createRubric({ components: [{ reward: judge, weight: 1 }] });
    const error = await strict.evaluateGroup(group).catch((caught: unknown) => caught);
    expect(error).toMatchObject({
      code: 'judge_malformed_output',
      message: expect.stringContaining('"judge"'),
    });
    expect((error as RewardError).cause).toBe(judgeError);
    const lenient = createRubric({
      components: [
        { reward: judge, weight: 1 },
        { reward: echo, weight: 1 },
      ],
      onError: 'skip',
    });
    const { results, metrics } = await lenient.evaluateBatch(group);
    expect(results.map((result) => result.skipped)).toEqual([['judge'], ['judge']]);
    expect(metrics['reward/judge/skipped']).toBe(2);
  });

  it('rejects invalid configurations', () => {
    const bad = [
      { components: [] },
      { components: [{ reward: echo, weight: 0 }] },
      { components: [{ reward: echo, weight: Number.NaN }] },
      {
        components: [
          { reward: echo, weight: 1 },
          { reward: echo, weight: 1 },
        ],
      },
      { components: [{ reward: { name: 'a/b', score: () => 1 }, weight: 1 }] },
      { components: [{ reward: { name: 'noscore' } as unknown as typeof echo, weight: 1 }] },
      { components: [{ reward: echo, weight: 1 }], onError: 'ignore' as 'skip' },
    ];
    for (const options of bad)
      expect(() => createRubric(options), JSON.stringify(options)).toThrow(RewardError);
  });
});
