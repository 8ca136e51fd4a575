// Episodes end to end: concurrent episodes of support-lite and τ-bench retail with scripted agents.
// A perfect agent scores full marks; a wrong or random one almost never does.

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import type { AgentTurn } from '../../src/agents/agent.js';
import { ScriptedAgent } from '../../src/agents/scripted-agent.js';
import { Rng } from '../../src/engine/random.js';
import {
  createRetailEnvironment,
  type RetailEnvironment,
} from '../../src/environments/retail/environment.js';
import { loadRetailTasks, type RetailTask } from '../../src/environments/retail/retail-tasks.js';
import { retailTaskSuccess } from '../../src/environments/retail/task-reward.js';
import { runEpisode } from '../../src/environments/run-episode.js';
import type { RetailState } from '../../src/environments/retail/environment.js';
import type { SupportLiteState } from '../../src/environments/support-lite/environment.js';
import { createRubric } from '../../src/rewards/rubric.js';
import { parseTrajectoriesJsonl, trajectoriesToJsonl } from '../../src/conversation/trajectory-jsonl.js';
import type { RewardFunction } from '../../src/rewards/reward-function.js';
import type { Tool } from '../../src/environments/tool.js';
import { runEpisodes } from '../../src/environments/run-episodes.js';
import {
  createSupportLiteEnvironment,
  type SupportLiteEnvironment,
} from '../../src/environments/support-lite/environment.js';
import { SupportLiteExpert } from '../../src/environments/support-lite/expert-agent.js';
import { SUPPORT_LITE_REWARD_PARTS, supportLiteScore } from '../../src/environments/support-lite/rewards.js';
import { findRetailDataDir } from '../../src/environments/retail/retail-data-dir.js';
import { loadRetailData } from '../../src/environments/retail/retail-data.js';
import type { RetailData } from '../../src/environments/retail/retail-types.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

let dataDir: string;
let data: RetailData;
beforeAll(async () => {
  const found = findRetailDataDir({ root: ROOT, env: process.env });
  if (found === undefined) throw new Error('τ-bench retail data not found; set STATESET_TAU_RETAIL');
  dataDir = found;
  data = await loadRetailData(dataDir);
});

/** support-lite's wrong-tool agent: cancels whatever order it hears about, never looks it up. */
function wrongToolAgent(): ScriptedAgent {
  return new ScriptedAgent({
    name: 'wrong-tool',
    turns: ({ messages }) => {
      const said = messages.filter((message) => message.role === 'user').map((message) => message.content);
      const orderId = said.map((text) => /#W\d+/.exec(text)?.[0]).find((id) => id !== undefined);
      if (orderId === undefined) return text('What is your order id?');
      if (messages.some((message) => message.role === 'tool')) return text('Done.');
      const cancel = {
        id: 'c1',
        name: 'cancel_pending_order',
        arguments: { order_id: orderId, reason: 'no longer needed' },
      };
      return { message: { role: 'assistant', content: '', toolCalls: [cancel] } };
    },
  });
}

function text(content: string): AgentTurn {
  return { message: { role: 'assistant', content } };
}

/** The perfect retail agent: the task's gold actions, one call a turn, then the required outputs. */
function goldAgent(task: RetailTask): ScriptedAgent {
  const calls: AgentTurn[] = task.actions.map((action, index) => ({
    message: {
      role: 'assistant',
      content: '',
      toolCalls: [{ id: `gold_${index}`, name: action.name, arguments: action.kwargs }],
    },
  }));
  const answer = task.outputs.length === 0 ? 'All done.' : `All done: ${task.outputs.join('; ')}.`;
  return new ScriptedAgent({ name: 'gold', turns: [...calls, text(answer)] });
}

/** Values the random agent draws arguments from, by parameter name. */
type ArgumentPools = Readonly<Record<string, readonly string[]>>;

function argumentPools(retail: RetailData): ArgumentPools {
  const users = Object.entries(retail.database.users);
  const items = Object.values(retail.database.products).flatMap((product) => Object.keys(product.variants));
  return {
    order_id: Object.keys(retail.database.orders),
    user_id: users.map(([id]) => id),
    email: users.map(([, user]) => user.email),
    first_name: users.map(([, user]) => user.name.first_name),
    last_name: users.map(([, user]) => user.name.last_name),
    zip: users.map(([, user]) => user.address.zip),
    product_id: Object.keys(retail.database.products),
    item_ids: items,
    new_item_ids: items,
    payment_method_id: users.flatMap(([, user]) => Object.keys(user.payment_methods)),
    expression: ['1 + 2', '(3 * 4) / 5', '2 +'],
  };
}

/** A random retail agent (seeded): random tools with arguments drawn from real ids, sometimes a word to the user. */
function randomAgent(seed: number, tools: readonly Tool<unknown>[], pools: ArgumentPools): ScriptedAgent {
  const rng = new Rng(seed);
  const pick = <T>(values: readonly T[]): T => values[rng.int(values.length)];
  const value = (name: string, schema: Record<string, unknown>): unknown => {
    if (Array.isArray(schema.enum)) return pick(schema.enum);
    const pool = pools[name] ?? ['foo', 'bar', '42'];
    if (schema.type === 'array') return Array.from({ length: 1 + rng.int(2) }, () => pick(pool));
    return rng.int(10) === 0 ? 42 : pick(pool); // sometimes the wrong type
  };
  return new ScriptedAgent({
    name: 'random',
    turns: () => {
      if (rng.int(8) === 0)
        return text(pick(['Is there anything else?', 'Done.', 'Please confirm (yes/no).']));
      const tool = pick(tools);
      const properties = (tool.parameters.properties ?? {}) as Record<string, Record<string, unknown>>;
      const args = Object.fromEntries(
        Object.entries(properties).map(([name, schema]) => [name, value(name, schema)]),
      );
      return {
        message: {
          role: 'assistant',
          content: '',
          toolCalls: [{ id: 'r', name: tool.name, arguments: args }],
        },
      };
    },
  });
}

describe('retail episodes', () => {
  let environment: RetailEnvironment;
  let dev: RetailTask[];
  beforeAll(async () => {
    dev = await loadRetailTasks({ dataDir, split: 'dev' });
    environment = createRetailEnvironment({ data, tasks: { dev } });
  });

  it('the gold agent scores 1 on every dev task, in concurrent episodes', async () => {
    const episodes = await Promise.all(
      dev.map((task, seed) => runEpisode({ environment, agent: goldAgent(task), seed, scenarioId: task.id })),
    );
    const reward: RewardFunction<RetailState> = retailTaskSuccess;
    const rubric = createRubric<RetailState>({ components: [{ reward, weight: 1 }] });
    const rewards = (await rubric.evaluateBatch(episodes)).results.map((result) => result.total);
    expect(rewards).toEqual(dev.map(() => 1));
    // the gold end states are the ones the original τ-bench tools reached
    const expected = JSON.parse(await readFile(join(dataDir, 'expected/dev.json'), 'utf8')) as {
      db_hash: string;
    }[];
    expect(episodes.map((episode) => episode.finalState.scenario.goldHash)).toEqual(
      expected.map((entry) => entry.db_hash),
    );
    // the trajectories survive the JSONL round trip (schema-checked)
    const trajectories = episodes.map((episode) => episode.trajectory);
    const parsed = parseTrajectoriesJsonl(trajectoriesToJsonl(trajectories));
    expect(parsed).toEqual({ ok: true, value: trajectories });
    const ends = new Set(episodes.map((episode) => episode.trajectory.metadata.stopReason));
    expect([...ends].every((reason) => reason === 'user_stop' || reason === 'terminal_tool')).toBe(true);
  });

  it('a random agent almost never succeeds', async () => {
    const pools = argumentPools(data);
    const episodes = await Promise.all(
      dev.map((task, seed) =>
        runEpisode({
          environment,
          agent: randomAgent(1000 + seed, environment.tools, pools),
          seed,
          scenarioId: task.id,
        }),
      ),
    );
    const rewards = await Promise.all(episodes.map((episode) => retailTaskSuccess.score(episode)));
    expect(rewards.filter((reward) => reward === 1).length).toBeLessThanOrEqual(1);
    // it did act: tool calls, many of them errors
    const toolErrors = episodes.reduce((sum, episode) => sum + episode.trajectory.metadata.toolErrors, 0);
    expect(toolErrors).toBeGreaterThan(dev.length);
  });
});

describe('support-lite episodes', () => {
  let environment: SupportLiteEnvironment;
  let heldOut: { seed: number; scenarioId: string }[];
  beforeAll(() => {
    environment = createSupportLiteEnvironment({ database: data.database });
    const ids = environment.scenarioIds('test');
    heldOut = Array.from({ length: 60 }, (_, index) => ({
      seed: index,
      scenarioId: ids[(index * 37) % ids.length],
    }));
  });

  it('a perfect agent scores full marks on held-out scenarios', async () => {
    const batch = await runEpisodes({
      environment,
      agent: new SupportLiteExpert(),
      episodes: heldOut,
      concurrency: 8,
    });
    const totals = batch.episodes.map((episode) => supportLiteScore(episode).total);
    expect(totals.every((total) => total === 1)).toBe(true);
    expect(batch.stats.stopReasons).toEqual({ user_stop: heldOut.length });
    const intents = new Set(batch.episodes.map((episode) => episode.finalState.scenario.intent));
    expect(intents).toEqual(new Set(['status', 'items', 'address', 'cancel']));
    // held out means held out: no user of these scenarios appears in training
    const trainUsers = new Set(environment.scenarioIds('train').map((id) => environment.scenario(id).userId));
    expect(batch.episodes.some((episode) => trainUsers.has(episode.finalState.scenario.userId))).toBe(false);
  });

  it('a wrong-tool agent scores low, the same through the rewards layer', async () => {
    const batch = await runEpisodes({
      environment,
      agent: wrongToolAgent(),
      episodes: heldOut,
      concurrency: 8,
    });
    const scores = batch.episodes.map((episode) => supportLiteScore(episode));
    const mean = scores.reduce((sum, score) => sum + score.total, 0) / scores.length;
    expect(mean).toBeLessThan(0.4);
    // the parts are RewardFunctions: a rubric of them gives the same totals
    const components = SUPPORT_LITE_REWARD_PARTS.map((part) => {
      const reward: RewardFunction<SupportLiteState> = { name: part.name, score: part.score };
      return { reward, weight: part.weight };
    });
    const rubric = await createRubric<SupportLiteState>({ components }).evaluateBatch(batch.episodes);
    rubric.results.forEach((result, index) => expect(result.total).toBeCloseTo(scores[index].total, 12));
    expect(scores.filter((score) => score.total === 1)).toHaveLength(0);
    expect(scores.filter((score) => score.parts.policy === 0).length).toBeGreaterThan(heldOut.length / 2);
  });
});
