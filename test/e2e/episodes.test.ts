// Episodes end to end: concurrent episodes of support-lite and τ-bench retail with scripted agents.
// A perfect agent scores full marks; a wrong or random one almost never does.

import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Agent, AgentInput, AgentTurn } from '../../src/agents/agent.js';
import { runEpisodes } from '../../src/environments/run-episodes.js';
import {
  createSupportLiteEnvironment,
  type SupportLiteEnvironment,
} from '../../src/environments/support-lite/environment.js';
import { SupportLiteExpert } from '../../src/environments/support-lite/expert-agent.js';
import { supportLiteScore } from '../../src/environments/support-lite/rewards.js';
import { findRetailDataDir } from '../../src/environments/retail/retail-data-dir.js';
import { loadRetailData } from '../../src/environments/retail/retail-data.js';
import type { RetailData } from '../../src/environments/retail/retail-types.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

let data: RetailData;
beforeAll(async () => {
  const dataDir = findRetailDataDir({ root: ROOT, env: process.env });
  if (dataDir === undefined) throw new Error('τ-bench retail data not found; set STATESET_TAU_RETAIL');
  data = await loadRetailData(dataDir);
});

/** support-lite's wrong-tool agent: cancels whatever order it hears about, never looks it up. */
class WrongToolAgent implements Agent {
  readonly name = 'wrong-tool';
  async act(input: AgentInput): Promise<AgentTurn> {
    const said = input.messages
      .filter((message) => message.role === 'user')
      .map((message) => message.content);
    const orderId = said.map((text) => /#W\d+/.exec(text)?.[0]).find((id) => id !== undefined);
    const called = input.messages.some((message) => message.role === 'tool');
    if (orderId === undefined) return text('What is your order id?');
    if (called) return text('Done.');
    const toolCalls = [
      {
        id: 'c1',
        name: 'cancel_pending_order',
        arguments: { order_id: orderId, reason: 'no longer needed' },
      },
    ];
    return { message: { role: 'assistant', content: '', toolCalls } };
  }
  fork(): WrongToolAgent {
    return new WrongToolAgent();
  }
}

function text(content: string): AgentTurn {
  return { message: { role: 'assistant', content } };
}

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

  it('a wrong-tool agent scores low', async () => {
    const batch = await runEpisodes({
      environment,
      agent: new WrongToolAgent(),
      episodes: heldOut,
      concurrency: 8,
    });
    const scores = batch.episodes.map((episode) => supportLiteScore(episode));
    const mean = scores.reduce((sum, score) => sum + score.total, 0) / scores.length;
    expect(mean).toBeLessThan(0.4);
    expect(scores.filter((score) => score.total === 1)).toHaveLength(0);
    expect(scores.filter((score) => score.parts.policy === 0).length).toBeGreaterThan(heldOut.length / 2);
  });
});
