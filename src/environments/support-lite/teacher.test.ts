import { beforeAll, describe, expect, it } from 'vitest';
import type { RetailDatabase } from '../retail/retail-types.js';
import { retailDataForTests } from '../test-support/retail-test-data.js';
import { createSupportLiteEnvironment, type SupportLiteEnvironment } from './environment.js';
import { supportLiteScore, toolCallsOf } from './rewards.js';
import { SupportLiteTeacher } from './teacher.js';
import { generateDemonstrations } from './teacher-demonstrations.js';
import { habitFor, TEACHER_MISTAKES, WRONG_TOOL_NAME } from './teacher-mistakes.js';
import type { Demonstration } from './teacher-demonstrations.js';
import { formatAssistantText } from '../../conversation/tool-call-format.js';
import { TrainingConfigSchema } from '../../training/training-config.js';

/** The habit situation of a demonstration, read from its conversation as the teacher read it. */
function situationOf(demo: Demonstration) {
  const { scenario } = demo.finalState;
  const userTexts = demo.trajectory.messages.filter((m) => m.role === 'user').map((m) => m.content);
  const idAt = userTexts.findIndex((text) => text.includes(scenario.orderId));
  return {
    intent: scenario.intent,
    status: scenario.status,
    opening: userTexts[0],
    idReply: idAt > 0 ? userTexts[idAt] : undefined,
  };
}

/** An episode succeeds at this score (the evaluation's support-lite threshold); mistakes score ≤ 0.8. */
const SUCCESS = 0.9;
/** Allowed gap between the measured and the stated success rate on 200 episodes (~2.5 binomial std). */
const RATE_TOLERANCE = 0.08;

let database: RetailDatabase;
let environment: SupportLiteEnvironment;

beforeAll(async () => {
  database = (await retailDataForTests()).database;
  environment = createSupportLiteEnvironment({ database });
});

describe('support-lite teacher', () => {
  it('succeeds on held-out scenarios in about 1 − mistakeRate of conversations; every mistake fails', async () => {
    const demos = await generateDemonstrations({
      environment,
      database,
      split: 'test',
      count: 200,
      seed: 1,
      mistakeRate: 0.3,
    });
    const scores = demos.map((demo) => supportLiteScore(demo).total);
    const success = scores.filter((score) => score >= SUCCESS).length / demos.length;
    expect(Math.abs(success - 0.7)).toBeLessThan(RATE_TOLERANCE);
    demos.forEach((demo, index) => {
      const label = `${demo.trajectory.metadata.scenarioId} ${demo.mistake ?? 'none'}`;
      if (demo.mistake === undefined) expect(scores[index], label).toBe(1);
      else expect(scores[index], label).toBeLessThanOrEqual(0.8);
      expect(demo.trajectory.metadata.teacherMistake).toBe(demo.mistake ?? 'none');
    });
  });

  it('makes each kind of mistake, each as described', async () => {
    const demos = await generateDemonstrations({
      environment,
      database,
      count: 200,
      seed: 2,
      mistakeRate: 1,
    });
    const kinds = new Set(demos.map((demo) => demo.mistake));
    expect([...kinds].sort()).toEqual([...TEACHER_MISTAKES].sort());
    for (const demo of demos) {
      const { scenario } = demo.finalState;
      const calls = toolCallsOf(demo.trajectory);
      const parts = supportLiteScore(demo).parts;
      switch (demo.mistake) {
        case 'wrong_tool':
          expect(calls.map((toolCall) => toolCall.name)).toEqual([WRONG_TOOL_NAME]);
          break;
        case 'wrong_argument':
          expect(calls[0].name).toBe('get_order_details');
          expect(calls[0].arguments.order_id).not.toBe(scenario.orderId);
          break;
        case 'policy_violation':
          expect(scenario.intent).toBe('cancel');
          expect(scenario.status).not.toBe('pending');
          expect(parts.policy).toBe(0);
          break;
        case 'wrong_fact':
          expect(parts.right_arguments).toBe(1);
          expect(parts.right_answer).toBe(0);
          break;
        default:
          throw new Error('every conversation has a mistake at rate 1');
      }
    }
  });

  it('with mistakeRate 0 is the expert, with tool-call ids as a local policy writes them', async () => {
    const demos = await generateDemonstrations({ environment, database, count: 40, seed: 3, mistakeRate: 0 });
    for (const demo of demos) {
      expect(demo.mistake).toBeUndefined();
      expect(supportLiteScore(demo).total).toBe(1);
      demo.trajectory.messages.forEach((message, index) => {
        if (message.role !== 'assistant') return;
        const turn = demo.trajectory.messages.slice(0, index).filter((m) => m.role === 'assistant').length;
        for (const toolCall of message.toolCalls ?? []) expect(toolCall.id).toBe(`call_${turn}_0`);
      });
    }
  });

  it('is deterministic in the seed', async () => {
    const run = (seed: number) => generateDemonstrations({ environment, database, count: 30, seed });
    const [first, again, other] = await Promise.all([run(5), run(5), run(6)]);
    const view = (demos: typeof first) => demos.map((demo) => [demo.mistake, demo.trajectory.messages]);
    expect(view(again)).toEqual(view(first));
    expect(view(other)).not.toEqual(view(first));
  });

  it('names the habit of each situation, the first that applies, and none elsewhere', () => {
    const base = {
      intent: 'status' as const,
      status: 'pending',
      opening: 'What is the status of order #W1?',
    };
    expect(habitFor(base)).toBeUndefined();
    expect(habitFor({ ...base, status: 'delivered' })).toBe('wrong_fact');
    expect(habitFor({ ...base, status: 'delivered', idReply: '#W1234567' })).toBe('wrong_argument');
    expect(habitFor({ ...base, idReply: 'It is #W1234567.' })).toBeUndefined();
    expect(habitFor({ ...base, intent: 'cancel', status: 'processed' })).toBe('policy_violation');
    expect(habitFor({ ...base, intent: 'cancel', status: 'pending' })).toBeUndefined();
    const address = { ...base, intent: 'address' as const };
    expect(habitFor({ ...address, opening: 'What is the shipping address of order #W1?' })).toBe(
      'wrong_tool',
    );
    expect(habitFor({ ...address, opening: 'Which address is order #W1 shipped to?' })).toBeUndefined();
  });

  it("with 'habits' makes each habit's mistake in its own situation, as described, and no other", async () => {
    const demos = await generateDemonstrations({
      environment,
      database,
      count: 300,
      seed: 4,
      mistakeRate: 1,
      mistakePattern: 'habits',
    });
    const kinds = new Set(demos.map((demo) => demo.mistake));
    expect([...kinds].sort()).toEqual([...TEACHER_MISTAKES, undefined].sort());
    for (const demo of demos) {
      const label = demo.trajectory.metadata.scenarioId;
      expect(demo.mistake, label).toBe(habitFor(situationOf(demo)));
      const { scenario } = demo.finalState;
      const calls = toolCallsOf(demo.trajectory);
      const answer = demo.trajectory.messages.at(-2)?.content ?? '';
      if (demo.mistake === undefined) expect(supportLiteScore(demo).total, label).toBe(1);
      else expect(supportLiteScore(demo).total, label).toBeLessThanOrEqual(0.8);
      if (demo.mistake === 'wrong_argument')
        expect(calls[0].arguments.order_id).toBe(scenario.orderId.slice(1));
      if (demo.mistake === 'wrong_fact') expect(answer).toContain('is processed');
      if (demo.mistake === 'wrong_tool') expect(calls.map((call) => call.name)).toEqual([WRONG_TOOL_NAME]);
      if (demo.mistake === 'policy_violation') {
        const cancelTurn = demo.trajectory.messages.find(
          (message) =>
            message.role === 'assistant' && message.toolCalls?.[0]?.name === 'cancel_pending_order',
        );
        // It says the status it read, as the expert does, and cancels anyway.
        expect(cancelTurn?.content, label).toBe(
          `Order ${scenario.orderId} is ${scenario.status}, cancelling it now.`,
        );
        expect(scenario.status, label).not.toBe('pending');
      }
    }
  });

  it("every turn it demonstrates fits in a policy's default turn length, byte-level, end marker included", async () => {
    const { maxNewTokens } = TrainingConfigSchema.parse({});
    const demos = (
      await Promise.all(
        (['habits', 'random'] as const).map((mistakePattern) =>
          generateDemonstrations({
            environment,
            database,
            count: 300,
            seed: 5,
            mistakeRate: 1,
            mistakePattern,
          }),
        ),
      )
    ).flat();
    const longest = Math.max(
      ...demos.flatMap((demo) =>
        demo.trajectory.messages.map((message) =>
          message.role === 'assistant' ? Buffer.byteLength(formatAssistantText(message)) + 1 : 0,
        ),
      ),
    );
    // A turn cut at maxNewTokens is an unclosed tool call: an imitator of the teacher would fail it.
    expect(longest).toBeGreaterThan(150); // a cancel turn: its status note and call
    expect(longest).toBeLessThanOrEqual(maxNewTokens);
  });

  it("with 'habits' follows a habit in about mistakeRate of its situations", async () => {
    const demos = await generateDemonstrations({
      environment,
      database,
      count: 400,
      seed: 5,
      mistakeRate: 0.7,
      mistakePattern: 'habits',
    });
    const situations = demos.filter((demo) => habitFor(situationOf(demo)) !== undefined);
    const followed = situations.filter((demo) => demo.mistake !== undefined).length / situations.length;
    expect(situations.length).toBeGreaterThan(100);
    expect(Math.abs(followed - 0.7)).toBeLessThan(RATE_TOLERANCE);
    expect(demos.filter((demo) => demo.mistake !== undefined && !situations.includes(demo))).toEqual([]);
  });

  it('rejects a mistake rate outside [0, 1], an unknown pattern and an empty count', async () => {
    expect(() => new SupportLiteTeacher({ database, mistakeRate: 1.5 })).toThrow(/mistakeRate/);
    expect(() => new SupportLiteTeacher({ database, mistakePattern: 'sometimes' as never })).toThrow(
      /mistakePattern must be one of random, habits, got sometimes/,
    );
    await expect(generateDemonstrations({ environment, database, count: 0 })).rejects.toMatchObject({
      code: 'invalid_argument',
    });
  });
});
