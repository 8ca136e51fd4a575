import { describe, expect, it } from 'vitest';
import { ScriptedAgent } from '../agents/scripted-agent.js';
import { counterEnvironment, type CounterState } from '../environments/test-support/counter-environment.js';
import type { Episode } from '../environments/run-episode.js';
import { episodeSeed, evaluate, type EpisodeScore } from './evaluate.js';
import { evaluationMetrics, summarizeEvaluation } from './evaluation-summary.js';

/** Increments by `by`, then says bye (the user stops). */
function counterAgent(by: number): ScriptedAgent {
  return new ScriptedAgent({
    turns: [`<tool_call>{"name": "increment", "arguments": {"by": ${by}}}</tool_call>`, 'bye'],
  });
}

/** Success when the counter reached 2; the reward is the count, with one part. */
function scoreCount(episode: Episode<CounterState>): EpisodeScore {
  const count = episode.finalState.world.count;
  return { reward: count, parts: { reached_two: count === 2 ? 1 : 0 }, success: count === 2 };
}

describe('evaluate', () => {
  it('runs every task trials times with a fresh agent and seed each, in task order', async () => {
    const made: string[] = [];
    const tasks = await evaluate({
      environment: counterEnvironment(),
      scenarioIds: ['a', 'b', 'c'],
      trials: 2,
      // task b succeeds only in its second trial; task c never
      agentFor: ({ scenarioId, trial }) => {
        made.push(`${scenarioId}/${trial}`);
        return counterAgent(scenarioId === 'a' || (scenarioId === 'b' && trial === 1) ? 2 : 1);
      },
      score: scoreCount,
      seed: 5,
      concurrency: 3,
    });
    // trial-major: every task's first trial is started before any second trial
    expect(made.slice(0, 3).sort()).toEqual(['a/0', 'b/0', 'c/0']);
    expect(tasks.map((task) => task.scenarioId)).toEqual(['a', 'b', 'c']);
    expect(tasks.map((task) => task.trials.map((trial) => trial.success))).toEqual([
      [true, true],
      [false, true],
      [false, false],
    ]);
    const first = tasks[0].trials[0];
    expect(first).toMatchObject({ scenarioId: 'a', trial: 0, seed: episodeSeed(5, 'a', 0), turns: 2 });
    expect(first.stopReason).toBe('user_stop');
    expect(first.trajectory.metadata.seed).toBe(first.seed);
    expect(new Set(tasks.flatMap((task) => task.trials.map((trial) => trial.seed))).size).toBe(6);

    const summary = summarizeEvaluation(tasks);
    expect(summary).toMatchObject({ tasks: 3, trials: 2, episodes: 6, successes: 3, successRate: 0.5 });
    // pass^1 = (1 + 1/2 + 0) / 3; pass^2 = (1 + 0 + 0) / 3
    expect(summary.passHatK[0]).toBeCloseTo(0.5, 12);
    expect(summary.passHatK[1]).toBeCloseTo(1 / 3, 12);
    expect(summary.meanReward).toBeCloseTo(9 / 6, 12);
    expect(summary.meanParts).toEqual({ reached_two: 0.5 });
    expect(summary.stopReasons).toEqual({ user_stop: 6 });
    expect(evaluationMetrics(summary)).toMatchObject({
      'eval/success_rate': 0.5,
      'eval/reward/reached_two/mean': 0.5,
      'eval/turns/mean': 2,
    });
  });

  it('gives the same seeds for the same evaluation seed, others for another', () => {
    expect(episodeSeed(0, 'a', 0)).toBe(episodeSeed(0, 'a', 0));
    expect(episodeSeed(0, 'a', 0)).not.toBe(episodeSeed(1, 'a', 0));
    expect(episodeSeed(0, 'a', 0)).not.toBe(episodeSeed(0, 'a', 1));
  });

  it('fails loudly when scoring throws, and for bad trials or concurrency', async () => {
    const base = {
      environment: counterEnvironment(),
      scenarioIds: ['a', 'b'],
      agentFor: () => counterAgent(1),
    };
    await expect(
      evaluate({
        ...base,
        trials: 1,
        score: () => {
          throw new Error('scorer broke');
        },
      }),
    ).rejects.toThrow(/scorer broke/);
    await expect(evaluate({ ...base, trials: 0, score: scoreCount })).rejects.toThrow(
      /trials must be a positive integer, got 0/,
    );
    await expect(evaluate({ ...base, trials: 1, concurrency: 0, score: scoreCount })).rejects.toThrow(
      /concurrency must be a positive integer, got 0/,
    );
  });
});
