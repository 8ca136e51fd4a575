import { beforeAll, describe, expect, it } from 'vitest';
import type { AgentTurn } from '../../agents/agent.js';
import { runEpisode } from '../run-episode.js';
import { ListAgent } from '../test-support/counter-environment.js';
import { createSupportLiteEnvironment, type SupportLiteEnvironment } from './environment.js';
import {
  brevity,
  finalAnswerOf,
  policyRespected,
  rightAnswer,
  rightArguments,
  rightTool,
  supportLiteScore,
  toolCallsOf,
} from './rewards.js';
import { retailDataForTests } from '../test-support/retail-test-data.js';

let environment: SupportLiteEnvironment;
beforeAll(async () => {
  environment = createSupportLiteEnvironment({ database: (await retailDataForTests()).database });
});

const call = (name: string, args: Record<string, unknown>): AgentTurn => ({
  message: { role: 'assistant', content: '', toolCalls: [{ id: `c_${name}`, name, arguments: args }] },
});
const say = (content: string): AgentTurn => ({ message: { role: 'assistant', content } });

/** Plays `turns` in scenario `scenarioId` and scores the episode. */
async function play(scenarioId: string, turns: readonly AgentTurn[]) {
  const episode = await runEpisode({ environment, agent: new ListAgent(turns), seed: 1, scenarioId });
  return { ...episode, score: supportLiteScore(episode) };
}

const PENDING = '#W5442520'; // Gaming Mouse, Patio Umbrella, Hiking Boots; 570 Elm Avenue, Denver
let delivered: string;
beforeAll(() => {
  delivered = environment
    .scenarioIds('train')
    .map((id) => environment.scenario(id))
    .find((scenario) => scenario.intent === 'cancel' && scenario.status === 'delivered')?.orderId as string;
});

describe('support-lite rewards', () => {
  it('gives full marks to the right lookup and answer', async () => {
    const { score } = await play(`status:${PENDING}`, [
      call('get_order_details', { order_id: PENDING }),
      say(`Order ${PENDING} is pending.`),
    ]);
    expect(score.total).toBe(1);
  });

  it('right_tool and policy fall when the agent cancels instead of looking up', async () => {
    const episode = await play(`status:${PENDING}`, [
      call('cancel_pending_order', { order_id: PENDING, reason: 'no longer needed' }),
      say(`Order ${PENDING} is cancelled.`),
    ]);
    expect(rightTool(episode)).toBe(0);
    expect(rightArguments(episode)).toBe(0);
    expect(policyRespected(episode)).toBe(0);
    expect(rightAnswer(episode)).toBe(0);
    expect(episode.score.total).toBeLessThan(0.2);
  });

  it('right_tool is partial for an extra tool; right_arguments counts wrong ids', async () => {
    const episode = await play(`address:${PENDING}`, [
      call('get_order_details', { order_id: '#W0000000' }),
      call('get_order_details', { order_id: PENDING }),
      call('transfer_to_human_agents', { summary: 'address' }),
    ]);
    expect(toolCallsOf(episode.trajectory).map((toolCall) => toolCall.name)).toEqual([
      'get_order_details',
      'get_order_details',
      'transfer_to_human_agents',
    ]);
    expect(rightTool(episode)).toBe(0.5);
    expect(rightArguments(episode)).toBe(0.5);
    expect(finalAnswerOf(episode.trajectory)).toBe('');
    expect(rightAnswer(episode)).toBe(0);
  });

  it('right_answer needs the exact fact: one status, every item, street and city', async () => {
    const lookup = call('get_order_details', { order_id: PENDING });
    const hedged = await play(`status:${PENDING}`, [lookup, say('It is pending or delivered.')]);
    expect(rightAnswer(hedged)).toBe(0);
    const partial = await play(`items:#W2611340`, [
      call('get_order_details', { order_id: '#W2611340' }),
      say('A lamp.'),
    ]);
    expect(rightAnswer(partial)).toBe(0);
    const noCity = await play(`address:${PENDING}`, [lookup, say('It ships to 570 Elm Avenue.')]);
    expect(rightAnswer(noCity)).toBe(0);
    const full = await play(`address:${PENDING}`, [lookup, say('It ships to 570 ELM AVENUE, denver.')]);
    expect(rightAnswer(full)).toBe(1);
  });

  it('a cancellation counts only when the order really ended cancelled', async () => {
    const claimed = await play(`cancel:${PENDING}`, [
      call('get_order_details', { order_id: PENDING }),
      say(`Order ${PENDING} is now cancelled.`),
    ]);
    expect(rightAnswer(claimed)).toBe(0);
    expect(rightTool(claimed)).toBe(0.5);
  });

  it('cancelling a delivered order breaks the policy; refusing it is right', async () => {
    const tried = await play(`cancel:${delivered}`, [
      call('get_order_details', { order_id: delivered }),
      call('cancel_pending_order', { order_id: delivered, reason: 'no longer needed' }),
      say('Sorry, it cannot be cancelled.'),
    ]);
    expect(policyRespected(tried)).toBe(0);
    expect(rightAnswer(tried)).toBe(1);
    expect(tried.trajectory.metadata.toolErrors).toBe(1);
    const refused = await play(`cancel:${delivered}`, [
      call('get_order_details', { order_id: delivered }),
      say("Sorry, that order can't be cancelled."),
    ]);
    expect(refused.score.total).toBe(1);
  });

  it('brevity falls with extra turns and long answers', async () => {
    const lookup = call('get_order_details', { order_id: PENDING });
    const slow = await play(`status:${PENDING}`, [
      lookup,
      lookup,
      lookup,
      lookup,
      lookup,
      say('It is pending.'),
    ]);
    expect(brevity(slow)).toBeCloseTo(3 / 6, 10);
    const long = await play(`status:${PENDING}`, [lookup, say(`It is pending. ${'Really. '.repeat(30)}`)]);
    expect(brevity(long)).toBeLessThan(0.6);
    expect(rightAnswer(long)).toBe(1);
  });

  it('doing nothing scores 0: policy needs a required tool called, brevity a right answer', async () => {
    const silent = await play(`status:${PENDING}`, [say('Ok.')]);
    expect(silent.score.parts).toEqual({
      right_tool: 0,
      right_arguments: 0,
      right_answer: 0,
      policy: 0,
      brevity: 0,
    });
    expect(silent.score.total).toBe(0);
    const wrong = await play(`status:${PENDING}`, [
      call('get_order_details', { order_id: PENDING }),
      say('It is delivered.'),
    ]);
    expect(policyRespected(wrong)).toBe(1);
    expect(brevity(wrong)).toBe(0);
    expect(wrong.score.total).toBeCloseTo(0.5, 10);
  });

  it('needs the final state', async () => {
    const { trajectory } = await play(`status:${PENDING}`, [say('hi')]);
    expect(() => rightTool({ trajectory })).toThrow(/final state/);
  });
});
