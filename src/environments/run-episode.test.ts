import { describe, expect, it } from 'vitest';
import type { AgentInput, AgentTurn } from '../agents/agent.js';
import { EnvironmentError } from '../errors.js';
import { runEpisode } from './run-episode.js';
import { anyOf, maxTurns, toolErrorLimit, tokenBudget } from './stop-conditions.js';
import { call, counterEnvironment, ListAgent, say } from './test-support/counter-environment.js';

const environment = counterEnvironment();

/** A turn that never resolves, but rejects when its signal aborts (a well-behaved slow agent). */
const stuck = (input: AgentInput) =>
  new Promise<AgentTurn>((_resolve, reject) =>
    input.signal?.addEventListener('abort', () => reject(new Error('aborted'))),
  );

describe('runEpisode', () => {
  it('alternates agent turns and environment answers until the user stops', async () => {
    const agent = new ListAgent([
      say('', [call('increment', { by: 2 })]),
      {
        ...say('', [call('increment', { by: 3 })]),
        tokens: { prompt: [1, 2], completion: [3, 4, 5], logprobs: [-1, -1, -1] },
      },
      say('It is 5. bye'),
    ]);
    const { trajectory, finalState } = await runEpisode({ environment, agent, seed: 4, scenarioId: 'b' });
    expect(finalState.world.count).toBe(5);
    expect(trajectory.messages.map((message) => message.role)).toEqual([
      'system',
      'user',
      'assistant',
      'tool',
      'assistant',
      'tool',
      'assistant',
      'user',
    ]);
    expect(trajectory.messages[7]).toEqual({ role: 'user', content: 'Bye! ###STOP###' });
    expect(trajectory.turns).toEqual([
      { messageIndex: 2 },
      { messageIndex: 4, tokens: { prompt: [1, 2], completion: [3, 4, 5], logprobs: [-1, -1, -1] } },
      { messageIndex: 6 },
    ]);
    expect(trajectory.metadata).toMatchObject({
      seed: 4,
      scenarioId: 'b',
      environment: 'counter',
      stopReason: 'user_stop',
      toolErrors: 0,
      agent: 'list-agent',
    });
    expect(trajectory.metadata.stepTimings).toHaveLength(3);
    expect(Date.parse(trajectory.metadata.startedAt)).not.toBeNaN();
    // the agent saw the conversation so far each turn, system prompt first
    expect(agent.inputs[2].messages.map((message) => message.role)).toEqual([
      'system',
      'user',
      'assistant',
      'tool',
      'assistant',
      'tool',
    ]);
  });

  it('draws the scenario from the seed when none is given, the same for the same seed', async () => {
    const ids = async (seed: number) =>
      (await runEpisode({ environment, agent: new ListAgent([say('bye')]), seed })).trajectory.metadata
        .scenarioId;
    expect(await ids(9)).toBe(await ids(9));
    const seen = new Set(await Promise.all(Array.from({ length: 16 }, (_, seed) => ids(seed))));
    expect(seen.size).toBeGreaterThan(1);
    const dev = await runEpisode({ environment, agent: new ListAgent([say('bye')]), seed: 1, split: 'dev' });
    expect(dev.trajectory.metadata.scenarioId).toBe('e');
  });

  it('rejects an unknown scenario or split', async () => {
    const agent = new ListAgent([say('bye')]);
    await expect(runEpisode({ environment, agent, seed: 0, scenarioId: 'zz' })).rejects.toMatchObject({
      code: 'unknown_scenario',
    });
    await expect(runEpisode({ environment, agent, seed: 0, split: 'test' })).rejects.toThrow(
      /no scenarios in split "test"/,
    );
    expect(() => environment.scenarioIds('nope')).toThrow(EnvironmentError);
  });

  it('ends on a terminal tool, a tool error limit, a turn limit and a token budget', async () => {
    const finish = await runEpisode({
      environment,
      agent: new ListAgent([say('', [call('finish')])]),
      seed: 0,
    });
    expect(finish.trajectory.metadata.stopReason).toBe('terminal_tool');

    const broken = new ListAgent([say('', [call('increment', { by: -1 })])]);
    const errors = await runEpisode({ environment, agent: broken, seed: 0, stop: toolErrorLimit(3) });
    expect(errors.trajectory.metadata).toMatchObject({
      stopReason: 'tool_error_limit',
      toolErrors: 3,
      toolErrorCounts: { invalid_arguments: 3 },
    });
    expect(errors.trajectory.turns).toHaveLength(3);

    const chatty = new ListAgent([say('hmm')]);
    const turns = await runEpisode({ environment, agent: chatty, seed: 0, stop: maxTurns(4) });
    expect(turns.trajectory.metadata.stopReason).toBe('max_turns');
    expect(turns.trajectory.turns).toHaveLength(4);

    const tokens = { prompt: [0], completion: [1, 2, 3, 4], logprobs: [0, 0, 0, 0] };
    const spender = new ListAgent([{ ...say('hmm'), tokens }]);
    const budget = await runEpisode({
      environment,
      agent: spender,
      seed: 0,
      stop: anyOf(maxTurns(10), tokenBudget(10)),
    });
    expect(budget.trajectory.metadata.stopReason).toBe('token_budget');
    expect(budget.trajectory.turns).toHaveLength(3);
  });

  it('ends with timeout when a step overruns, aborting the agent, even one that ignores its signal', async () => {
    let sawAbort = false;
    const polite = new ListAgent([
      say('', [call('increment', { by: 1 })]),
      (input) => {
        input.signal?.addEventListener('abort', () => (sawAbort = true));
        return stuck(input);
      },
    ]);
    const timed = await runEpisode({ environment, agent: polite, seed: 0, stepTimeoutMs: 30 });
    expect(timed.trajectory.metadata.stopReason).toBe('timeout');
    expect(timed.trajectory.turns).toHaveLength(1);
    expect(timed.finalState.world.count).toBe(1);
    expect(sawAbort).toBe(true);

    const deaf = new ListAgent([() => new Promise<AgentTurn>(() => undefined)]);
    const hung = await runEpisode({ environment, agent: deaf, seed: 0, stepTimeoutMs: 30 });
    expect(hung.trajectory.metadata.stopReason).toBe('timeout');
  });

  it('ends with agent_error and keeps the error, or rethrows when configured', async () => {
    const failing = new ListAgent([
      say('', [call('increment', { by: 1 })]),
      async () => {
        throw new EnvironmentError('invalid_argument', 'policy exploded');
      },
    ]);
    const ended = await runEpisode({ environment, agent: failing, seed: 0 });
    expect(ended.trajectory.metadata.stopReason).toBe('agent_error');
    expect(ended.trajectory.metadata.agentError).toEqual({
      name: 'EnvironmentError',
      message: 'policy exploded',
      code: 'invalid_argument',
    });
    const thrown = runEpisode({ environment, agent: failing.fork(), seed: 0, onAgentError: 'throw' });
    await expect(thrown).rejects.toMatchObject({
      code: 'agent_failed',
      message: expect.stringContaining('policy exploded'),
    });
  });

  it('propagates environment failures such as a tool set to fail loudly', async () => {
    const agent = new ListAgent([say('', [call('explode')])]);
    const reported = await runEpisode({ environment, agent, seed: 0, stop: maxTurns(1) });
    expect(reported.trajectory.messages.at(-1)).toMatchObject({ content: 'Error: boom', isError: true });
    expect(reported.trajectory.metadata.toolErrorCounts).toEqual({ tool_exception: 1 });
    const loud = counterEnvironment({ onToolException: 'throw' });
    await expect(runEpisode({ environment: loud, agent: agent.fork(), seed: 0 })).rejects.toMatchObject({
      code: 'tool_failed',
    });
  });

  it('throws episode_aborted when cancelled, before or during a step', async () => {
    const before = new AbortController();
    before.abort();
    await expect(
      runEpisode({ environment, agent: new ListAgent([say('bye')]), seed: 0, signal: before.signal }),
    ).rejects.toMatchObject({ code: 'episode_aborted' });

    const during = new AbortController();
    const agent = new ListAgent([
      (input) => {
        queueMicrotask(() => during.abort(new Error('shutdown')));
        return stuck(input);
      },
    ]);
    await expect(runEpisode({ environment, agent, seed: 0, signal: during.signal })).rejects.toMatchObject({
      code: 'episode_aborted',
      message: 'episode cancelled: shutdown',
    });
  });
});
