import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentTurn } from '../../agents/agent.js';
import { runEpisode } from '../run-episode.js';
import { maxTurns } from '../stop-conditions.js';
import { ListAgent } from '../test-support/counter-environment.js';
import {
  startChatCompletionsServer,
  type ChatCompletionsServer,
} from '../../testing/chat-completions-server.js';
import { retailDataDirForTests, retailDataForTests } from '../test-support/retail-test-data.js';
import { STOP_MARKER } from '../users/simulated-user.js';
import { databaseHash } from './database-hash.js';
import { createRetailEnvironment, type RetailEnvironment } from './environment.js';
import { RetailEnvironmentConfigSchema, loadRetailEnvironment } from './environment-config.js';
import { loadRetailTasks, type RetailTask } from './retail-tasks.js';
import type { RetailData } from './retail-types.js';
import { databaseMatchesGold, requiredOutputsSaid, retailTaskSuccess } from './task-reward.js';

// Tasks without gold actions need no tools: the gold end state is the fresh database.
let data: RetailData;
let environment: RetailEnvironment;
let dev: RetailTask[];
let test: RetailTask[];
beforeAll(async () => {
  data = await retailDataForTests();
  const dataDir = retailDataDirForTests();
  [dev, test] = await Promise.all([
    loadRetailTasks({ dataDir, split: 'dev' }),
    loadRetailTasks({ dataDir, split: 'test' }),
  ]);
  environment = createRetailEnvironment({ data, tools: [], tasks: { dev: [dev[17]], test: [test[24]] } });
});

const say = (content: string): AgentTurn => ({ message: { role: 'assistant', content } });

async function play(scenarioId: string, turns: readonly AgentTurn[], stop = maxTurns(30)) {
  const episode = await runEpisode({ environment, agent: new ListAgent(turns), seed: 5, scenarioId, stop });
  return { ...episode, reward: await retailTaskSuccess.score(episode) };
}

describe('retail environment', () => {
  it('opens with the policy wiki as system prompt and the user request, on a fresh database', async () => {
    const reset = await environment.reset({ seed: 1, scenarioId: 'dev-17' });
    expect(reset.messages[0]).toEqual({ role: 'system', content: data.policy });
    expect(reset.messages[0].content).toContain('# Retail agent policy');
    expect(reset.messages[1].role).toBe('user');
    expect(reset.state.world).not.toBe(data.database);
    expect(Object.isFrozen(reset.state.world.orders)).toBe(false);
    expect(reset.state.scenario.goldHash).toBe(databaseHash(data.database));
    expect(environment.scenarioIds('dev')).toEqual(['dev-17']);
    expect(environment.task('test-24').outputs).toEqual(['polyester', 'cotton']);
    expect(() => environment.task('dev-99')).toThrow(/no task "dev-99"/);
  });

  it('scores 1 when the database matches the gold replay and every output was said', async () => {
    const right = await play('test-24', [say('We have T-shirts in Polyester, and in cotton.')]);
    expect(right.trajectory.metadata.stopReason).toBe('user_stop');
    expect(right.trajectory.messages.at(-1)?.content).toContain(STOP_MARKER);
    expect(right.reward).toBe(1);
  });

  it('scores 0 when an output is missing, and finds outputs after removing commas', async () => {
    const missing = await play('test-24', [say('We have polyester shirts.')]);
    expect(requiredOutputsSaid(missing)).toBe(0);
    expect(databaseMatchesGold(missing)).toBe(1);
    expect(missing.reward).toBe(0);
    const outputs = { ...test[24], id: 'test-x', outputs: ['8276.23'] };
    const priced = createRetailEnvironment({ data, tools: [], tasks: { test: [outputs] } });
    const episode = await runEpisode({
      environment: priced,
      agent: new ListAgent([say('The total is $8,276.23.')]),
      seed: 0,
      scenarioId: 'test-x',
    });
    expect(requiredOutputsSaid(episode)).toBe(1);
  });

  it('scores 0 when the database differs from the gold end state', async () => {
    const episode = await play('dev-17', [say('Done.')]);
    expect(episode.reward).toBe(1);
    episode.finalState.world.orders['#W5442520'].status = 'cancelled';
    expect(databaseMatchesGold(episode)).toBe(0);
    expect(await retailTaskSuccess.score(episode)).toBe(0);
  });

  it('scores 0 when the episode did not finish (turn limit)', async () => {
    // the user answers the question instead of stopping, so the turn limit ends the episode
    const episode = await play('test-24', [say('Polyester and cotton. What is your order id?')], maxTurns(1));
    expect(episode.trajectory.messages.at(-1)?.content).toBe("I don't remember the order id.");
    expect(episode.trajectory.metadata.stopReason).toBe('max_turns');
    expect(databaseMatchesGold(episode) * requiredOutputsSaid(episode)).toBe(1);
    expect(episode.reward).toBe(0);
  });

  it('needs the final state', () => {
    const trajectory = {
      id: 't',
      messages: [],
      turns: [],
      metadata: {
        seed: 0,
        scenarioId: 'dev-17',
        environment: 'tau-retail',
        stopReason: 'user_stop' as const,
        startedAt: '',
        durationMs: 0,
        toolErrors: 0,
      },
    };
    expect(() => retailTaskSuccess.score({ trajectory })).toThrow(/final state/);
  });
});

describe('retail environment with the 16 tools', () => {
  it('runs tool calls on the episode copy only, and ends on transfer_to_human_agents', async () => {
    const full = createRetailEnvironment({ data, tasks: { dev } });
    expect(full.tools).toHaveLength(16);
    const cancel: AgentTurn = {
      message: {
        role: 'assistant',
        content: '',
        toolCalls: [
          {
            id: 'a',
            name: 'cancel_pending_order',
            arguments: { order_id: '#W5442520', reason: 'no longer needed' },
          },
        ],
      },
    };
    const transfer: AgentTurn = {
      message: {
        role: 'assistant',
        content: '',
        toolCalls: [{ id: 'b', name: 'transfer_to_human_agents', arguments: { summary: 'wants a refund' } }],
      },
    };
    const episode = await runEpisode({
      environment: full,
      agent: new ListAgent([cancel, transfer]),
      seed: 0,
      scenarioId: 'dev-0',
    });
    expect(episode.trajectory.metadata.stopReason).toBe('terminal_tool');
    expect(episode.trajectory.messages.at(-1)).toMatchObject({
      role: 'tool',
      content: 'Transfer successful',
    });
    expect(episode.finalState.world.orders['#W5442520'].status).toBe('cancelled');
    expect(data.database.orders['#W5442520'].status).toBe('pending');
    expect(databaseMatchesGold(episode)).toBe(1); // dev-0's gold action is exactly this cancellation
    expect(await retailTaskSuccess.score(episode)).toBe(1);
  });

  it('fails loudly when a gold action names no tool', async () => {
    const broken = { ...dev[0], id: 'dev-x', actions: [{ name: 'refund_everything', kwargs: {} }] };
    const env = createRetailEnvironment({ data, tasks: { dev: [broken] } });
    await expect(env.reset({ seed: 0, scenarioId: 'dev-x' })).rejects.toMatchObject({ code: 'unknown_tool' });
  });
});

describe('retail environment with an LLM user', () => {
  let server: ChatCompletionsServer;
  beforeAll(async () => {
    server = await startChatCompletionsServer({ fallback: { kind: 'reply', content: '###STOP###' } });
  });
  afterAll(async () => {
    await server.close();
  });

  it('asks the endpoint for the user turns, with the task instruction in its prompt', async () => {
    server.queue.push({ kind: 'reply', content: 'Hi, I want to know about t-shirts.' });
    const llm = createRetailEnvironment({
      data,
      tools: [],
      tasks: { test: [test[24]] },
      llmUser: { baseURL: server.baseURL, model: 'user-model', retryDelayMs: 1 },
    });
    const episode = await runEpisode({
      environment: llm,
      agent: new ListAgent([say('We have polyester and cotton.')]),
      seed: 3,
      scenarioId: 'test-24',
    });
    expect(episode.trajectory.messages[1]).toEqual({
      role: 'user',
      content: 'Hi, I want to know about t-shirts.',
    });
    expect(episode.trajectory.metadata.stopReason).toBe('user_stop');
    expect(server.requests[0].body.messages[0].content).toContain(test[24].instruction);
    expect(server.requests[0].body.seed).toBe(3);
    expect(await retailTaskSuccess.score(episode)).toBe(1);
  });
});

describe('retail configuration', () => {
  it('has a documented default for every field and rejects unknown keys', () => {
    const config = RetailEnvironmentConfigSchema.parse({});
    expect(config).toMatchObject({ dataDir: '', userBaseUrl: '', userTemperature: 0, userMaxRetries: 2 });
    for (const field of Object.values(RetailEnvironmentConfigSchema.shape))
      expect(field.description).toBeTruthy();
    expect(RetailEnvironmentConfigSchema.safeParse({ dataDirectory: '/x' }).success).toBe(false);
  });

  it('loads data and tasks from the configured folder, and fails clearly without one', async () => {
    const config = RetailEnvironmentConfigSchema.parse({ dataDir: retailDataDirForTests() });
    const loaded = await loadRetailEnvironment({ config, tools: [], root: '/nonexistent', splits: ['dev'] });
    expect(loaded.scenarioIds('dev')).toHaveLength(20);
    const missing = RetailEnvironmentConfigSchema.parse({});
    await expect(
      loadRetailEnvironment({ config: missing, tools: [], root: '/nonexistent', env: {} }),
    ).rejects.toMatchObject({
      code: 'environment_data_invalid',
    });
  });
});
