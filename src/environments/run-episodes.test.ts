import { describe, expect, it } from 'vitest';
import type { Agent, AgentInput, AgentTurn } from '../agents/agent.js';
import { runEpisodes, runGroup } from './run-episodes.js';
import { call, counterEnvironment, ListAgent, say } from './test-support/counter-environment.js';

const environment = counterEnvironment();

/** Counts how many of its forks are acting at once. */
class ConcurrencyProbe implements Agent {
  readonly name = 'probe';
  constructor(
    private readonly shared: { active: number; peak: number; forks: number },
    private turn = 0,
  ) {}
  async act(_input: AgentInput): Promise<AgentTurn> {
    this.shared.active++;
    this.shared.peak = Math.max(this.shared.peak, this.shared.active);
    await new Promise((resolve) => setImmediate(resolve));
    this.shared.active--;
    return this.turn++ === 0 ? say('', [call('increment', { by: 1 })]) : say('bye');
  }
  fork(): ConcurrencyProbe {
    this.shared.forks++;
    return new ConcurrencyProbe(this.shared);
  }
}

describe('runEpisodes', () => {
  it('runs every episode with its own fork, at most `concurrency` at a time, in spec order', async () => {
    const shared = { active: 0, peak: 0, forks: 0 };
    const specs = Array.from({ length: 10 }, (_, index) => ({ seed: index, scenarioId: 'abcd'[index % 4] }));
    const batch = await runEpisodes({
      environment,
      agent: new ConcurrencyProbe(shared),
      episodes: specs,
      concurrency: 3,
    });
    expect(shared.forks).toBe(10);
    expect(shared.peak).toBe(3);
    expect(batch.episodes.map((episode) => episode.trajectory.metadata.scenarioId)).toEqual(
      specs.map((spec) => spec.scenarioId),
    );
    expect(batch.episodes.every((episode) => episode.finalState.world.count === 1)).toBe(true);
    expect(batch.stats).toEqual({
      episodes: 10,
      stopReasons: { user_stop: 10 },
      agentErrors: 0,
      timeouts: 0,
      toolErrors: 0,
    });
  });

  it('counts agent errors, timeouts and tool errors in its stats', async () => {
    const agent = new ListAgent([
      async (input) => {
        const seed = input.messages[1].content;
        if (seed.includes('(a)')) throw new Error('bad sample');
        if (seed.includes('(b)')) return new Promise<AgentTurn>(() => undefined);
        return say('', [call('nope')]);
      },
      say('bye'),
    ]);
    const batch = await runEpisodes({
      environment,
      agent,
      episodes: ['a', 'b', 'c'].map((scenarioId) => ({ seed: 0, scenarioId })),
      stepTimeoutMs: 30,
    });
    expect(batch.stats).toMatchObject({ agentErrors: 1, timeouts: 1, toolErrors: 1 });
    expect(batch.stats.stopReasons).toEqual({ agent_error: 1, timeout: 1, user_stop: 1 });
  });

  it('cancels the other episodes and rethrows the first environment failure', async () => {
    const loud = counterEnvironment({ onToolException: 'throw' });
    let started = 0;
    const agent = new ListAgent([
      async (input) => {
        started++;
        return input.messages[1].content.includes('(a)') ? say('', [call('explode')]) : say('hmm');
      },
    ]);
    const episodes = Array.from({ length: 50 }, (_, seed) => ({ seed, scenarioId: seed === 0 ? 'a' : 'b' }));
    await expect(runEpisodes({ environment: loud, agent, episodes, concurrency: 2 })).rejects.toMatchObject({
      code: 'tool_failed',
    });
    expect(started).toBeLessThan(10); // no new episodes start after the failure
  });

  it('rejects a concurrency below one', async () => {
    await expect(
      runEpisodes({ environment, agent: new ListAgent([say('bye')]), episodes: [], concurrency: 0 }),
    ).rejects.toMatchObject({ code: 'invalid_argument' });
  });
});

describe('runGroup', () => {
  it('runs G rollouts of one scenario and seed under one group id', async () => {
    const result = await runGroup({
      environment,
      agent: new ListAgent([say('hello'), say('bye')]),
      seed: 21,
      size: 4,
      groupId: 'g1',
    });
    expect(result.group.groupId).toBe('g1');
    expect(result.group.seed).toBe(21);
    expect(result.group.trajectories).toHaveLength(4);
    for (const trajectory of result.group.trajectories) {
      expect(trajectory.groupId).toBe('g1');
      expect(trajectory.metadata.scenarioId).toBe(result.group.scenarioId);
      // same user seed: the same simulated user's words
      expect(trajectory.messages).toEqual(result.group.trajectories[0].messages);
    }
    expect(new Set(result.group.trajectories.map((trajectory) => trajectory.id)).size).toBe(4);
  });

  it('rejects a group size below one', async () => {
    await expect(
      runGroup({ environment, agent: new ListAgent([say('bye')]), seed: 0, size: 0 }),
    ).rejects.toMatchObject({
      code: 'invalid_argument',
    });
  });
});
