import { beforeAll, describe, expect, it } from 'vitest';
import { runEpisode } from '../run-episode.js';
import { runEpisodes } from '../run-episodes.js';
import { STOP_MARKER } from '../users/simulated-user.js';
import {
  createSupportLiteEnvironment,
  loadSupportLiteEnvironment,
  type SupportLiteEnvironment,
} from './environment.js';
import { expertTurn, intentOf, SupportLiteExpert } from './expert-agent.js';
import { supportLiteScore } from './rewards.js';
import { retailDataDirForTests, retailDataForTests } from '../test-support/retail-test-data.js';
import { ASK_ORDER_ID, SUPPORT_LITE_POLICY } from './texts.js';

let environment: SupportLiteEnvironment;
beforeAll(async () => {
  environment = createSupportLiteEnvironment({ database: (await retailDataForTests()).database });
});

describe('support-lite environment', () => {
  it('opens with the short policy and the customer request, the same for the same seed', async () => {
    const first = await environment.reset({ seed: 3, scenarioId: 'status:#W2611340' });
    const again = await environment.reset({ seed: 3, scenarioId: 'status:#W2611340' });
    expect(first.messages[0]).toEqual({ role: 'system', content: SUPPORT_LITE_POLICY });
    expect(first.messages[1].role).toBe('user');
    expect(first.messages).toEqual(again.messages);
    expect(first.messages[1].content.length).toBeLessThan(80);
    expect(first.state.scenario.intent).toBe('status');
  });

  it('lists train and held-out (test) scenarios and rejects unknown ones', async () => {
    expect(environment.scenarioIds('train').length).toBeGreaterThan(environment.scenarioIds('test').length);
    expect(() => environment.scenario('status:#W0')).toThrow(/no scenario/);
    await expect(environment.reset({ seed: 0, scenarioId: 'status:#W0' })).rejects.toMatchObject({
      code: 'unknown_scenario',
    });
    expect(() => environment.scenarioIds('dev')).toThrow(/no split "dev"/);
  });

  it('plays a whole cancellation: ask for the id, look up, cancel, answer, customer stops', async () => {
    const id = environment
      .scenarioIds('test')
      .find((candidate) => environment.scenario(candidate).shouldCancel) as string;
    // find a seed whose opening leaves the id out, so the agent has to ask
    let seed = 0;
    for (; seed < 50; seed++) {
      const reset = await environment.reset({ seed, scenarioId: id });
      if (!/#W\d+/.test(reset.messages[1].content)) break;
    }
    const { trajectory, finalState } = await runEpisode({
      environment,
      agent: new SupportLiteExpert(),
      seed,
      scenarioId: id,
    });
    const texts = trajectory.messages.map((message) =>
      message.role === 'assistant' && message.toolCalls
        ? `${message.content} call ${message.toolCalls[0].name}`.trim()
        : message.content,
    );
    expect(texts[2]).toBe(ASK_ORDER_ID);
    expect(texts.slice(4, 8)).toEqual([
      'call get_order_details',
      expect.stringContaining('status: pending'),
      `Order ${finalState.scenario.orderId} is pending, cancelling it now. call cancel_pending_order`,
      expect.stringContaining('status: cancelled'),
    ]);
    expect(texts[8]).toBe(`Order ${finalState.scenario.orderId} is now cancelled.`);
    expect(texts[9]).toContain(STOP_MARKER);
    expect(trajectory.metadata.stopReason).toBe('user_stop');
    expect(supportLiteScore({ trajectory, finalState }).total).toBe(1);
  });

  it('the expert scores full marks on held-out scenarios of every intent', async () => {
    const ids = environment.scenarioIds('test').filter((_, index) => index % 23 === 0);
    const batch = await runEpisodes({
      environment,
      agent: new SupportLiteExpert(),
      episodes: ids.map((scenarioId, seed) => ({ seed, scenarioId })),
      concurrency: 8,
    });
    const intents = new Set(batch.episodes.map((episode) => episode.finalState.scenario.intent));
    expect(intents.size).toBe(4);
    for (const episode of batch.episodes) {
      const score = supportLiteScore(episode);
      expect(score.parts, episode.trajectory.metadata.scenarioId).toEqual({
        right_tool: 1,
        right_arguments: 1,
        right_answer: 1,
        policy: 1,
        brevity: 1,
      });
    }
    expect(batch.stats.toolErrors).toBe(0);
  });

  it('ends on transfer_to_human_agents', async () => {
    const agent = {
      name: 'transferrer',
      act: async () => ({
        message: {
          role: 'assistant' as const,
          content: '',
          toolCalls: [{ id: 't', name: 'transfer_to_human_agents', arguments: { summary: 'help' } }],
        },
      }),
      fork() {
        return this;
      },
    };
    const { trajectory } = await runEpisode({ environment, agent, seed: 0, split: 'test' });
    expect(trajectory.metadata.stopReason).toBe('terminal_tool');
    expect(trajectory.messages.at(-1)?.content).toBe('Transfer successful');
  });

  it('loads from a data folder', async () => {
    const loaded = await loadSupportLiteEnvironment({
      dataDir: retailDataDirForTests(),
      intents: ['status'],
    });
    expect(loaded.scenarioIds('train').every((id) => id.startsWith('status:'))).toBe(true);
    await expect(loadSupportLiteEnvironment({ dataDir: '/nonexistent' })).rejects.toMatchObject({
      code: 'environment_data_invalid',
    });
  });
});

describe('support-lite expert', () => {
  it('reads the intent from the opening', () => {
    expect(intentOf('Please cancel order #W1, I no longer need it.')).toBe('cancel');
    expect(intentOf('What items are in my order?')).toBe('items');
    expect(intentOf('Which address is my order shipped to?')).toBe('address');
    expect(intentOf('What is the status of my order?')).toBe('status');
  });

  it('asks for the id first, looks the order up, and says the status before cancelling or refusing', () => {
    const system = { role: 'system' as const, content: SUPPORT_LITE_POLICY };
    expect(
      expertTurn([system, { role: 'user', content: 'Please cancel my order, I no longer need it.' }]).message
        .content,
    ).toBe(ASK_ORDER_ID);
    const lookup = expertTurn([
      system,
      { role: 'user', content: 'Please cancel order #W1, I no longer need it.' },
    ]);
    expect(lookup.message.toolCalls).toEqual([
      { id: 'call_0', name: 'get_order_details', arguments: { order_id: '#W1' } },
    ]);
    const afterLookup = (status: string) =>
      expertTurn([
        system,
        { role: 'user', content: 'Please cancel order #W1, I no longer need it.' },
        lookup.message,
        {
          role: 'tool',
          toolCallId: 'call_0',
          name: 'get_order_details',
          content: `order #W1 | status: ${status} | items: Lamp | address: 1 Main St, Austin`,
        },
      ]).message;
    // Both turns start alike; what to do is decided right after the status is said.
    expect(afterLookup('delivered')).toEqual({
      role: 'assistant',
      content: 'Order #W1 is delivered and cannot be cancelled.',
    });
    expect(afterLookup('pending')).toEqual({
      role: 'assistant',
      content: 'Order #W1 is pending, cancelling it now.',
      toolCalls: [
        {
          id: 'call_1',
          name: 'cancel_pending_order',
          arguments: { order_id: '#W1', reason: 'no longer needed' },
        },
      ],
    });
  });
});
