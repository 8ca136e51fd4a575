// The trainer's failure and stopping paths on support-lite with a very small model: reward errors
// (fail or skip and count), a setup where every rollout fails, a stop request, early stopping, and
// rollouts sampled at a temperature other than 1.

import { existsSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ByteChatRenderer } from '../conversation/byte-chat-renderer.js';
import { StatesetError } from '../errors.js';
import { LanguageModel } from '../models/language-model.js';
import { ByteTokenizer } from '../models/tokenizers/byte-tokenizer.js';
import { defineReward } from '../rewards/define-reward.js';
import { createRubric, type RubricErrorPolicy } from '../rewards/rubric.js';
import { CheckpointManager } from './checkpoint-manager.js';
import { INITIAL_EARLY_STOPPING } from './early-stopping.js';
import { trainGrpo, type TrainingOutcome } from './grpo-trainer.js';
import { TRAINING_METRICS as M } from './metric-names.js';
import { readMetrics, type MetricsLine } from './metrics-log.js';
import { parseTrainingConfig } from './resolve-training-config.js';
import { createRunFolder, type RunPaths } from './run-paths.js';
import type { TrainingConfig } from './training-config.js';
import { withTrainingEnvironment, type TrainingEnvironment } from './training-environment.js';
import { copyParameters, createPolicyBackend, createPolicyModel } from './training-model.js';

type Setup = {
  readonly overrides?: Readonly<Record<string, unknown>>;
  /** Replaces the environment's rubric. */
  readonly rubric?: (training: TrainingEnvironment<unknown>) => TrainingEnvironment<unknown>['rubric'];
  readonly signal?: AbortSignal;
  readonly onStep?: (step: number) => void;
  readonly start?: Parameters<typeof trainGrpo>[0]['start'];
  readonly clock?: () => number;
};

/** Trains a 16-wide model for a few steps of one group of 2; returns the outcome, metrics and paths. */
async function train(
  setup: Setup = {},
): Promise<{ outcome: TrainingOutcome; lines: MetricsLine[]; paths: RunPaths }> {
  const parsed = parseTrainingConfig({
    steps: 2,
    groupsPerStep: 1,
    groupSize: 2,
    maxNewTokens: 140,
    maxTurns: 2,
    evalEpisodes: 0,
    model: { width: 16, layers: 1, heads: 2, mlpWidth: 32 },
    runsDir: await mkdtemp(join(tmpdir(), 'trainer-')),
    runName: 'run',
    ...setup.overrides,
  });
  if (!parsed.ok) throw parsed.error;
  const config: TrainingConfig = parsed.value;
  const model = await createPolicyModel(config);
  const reference = new LanguageModel({ config: model.config, parameters: copyParameters(model.parameters) });
  const paths = createRunFolder(config);
  try {
    const outcome = await withTrainingEnvironment(config, (training) =>
      trainGrpo({
        config,
        training:
          setup.rubric === undefined
            ? training
            : { ...training, rubric: setup.rubric(training as TrainingEnvironment<unknown>) },
        backend: createPolicyBackend(model, config.seed),
        reference,
        renderer: new ByteChatRenderer({ tokenizer: new ByteTokenizer() }),
        paths,
        start: setup.start ?? { step: 0, earlyStopping: INITIAL_EARLY_STOPPING },
        signal: setup.signal,
        clock: setup.clock,
        onStep: (report) => setup.onStep?.(report.step),
      }),
    );
    return { outcome, lines: await readMetrics(paths.metrics), paths };
  } finally {
    await Promise.all([model.dispose(), reference.dispose()]);
  }
}

/** A reward that varies within a group: the length of the last agent message, up to 200 characters. */
function lengthReward(options: { readonly broken?: boolean } = {}) {
  return defineReward({
    name: 'length',
    score: ({ trajectory }) => {
      if (options.broken === true) throw new Error('length is broken');
      return Math.min(1, (trajectory.messages.at(-2)?.content.length ?? 0) / 200);
    },
  });
}

/** A rubric of a working reward and one that throws, under `onError`. */
function faultyRubric(options: { readonly onError: RubricErrorPolicy; readonly breakAll?: boolean }) {
  const { onError, breakAll = false } = options;
  return () =>
    createRubric({
      components: [
        { reward: lengthReward({ broken: breakAll }), weight: 1 },
        {
          reward: defineReward({
            name: 'broken',
            score: () => {
              throw new Error('judge is down');
            },
          }),
          weight: 1,
        },
      ],
      onError,
    });
}

/** Share of the bytes of the agent's first reply that are lowercase ASCII letters: easy to learn, hard to max by chance. */
function lowercaseRubric() {
  return createRubric({
    components: [
      {
        reward: defineReward({
          name: 'lowercase',
          score: ({ trajectory }) => {
            const reply = trajectory.messages.find((message) => message.role === 'assistant');
            const text = reply === undefined ? '' : reply.content + JSON.stringify(reply.toolCalls ?? []);
            return text.length === 0 ? 0 : (text.match(/[a-z]/g)?.length ?? 0) / text.length;
          },
        }),
        weight: 1,
      },
    ],
    onError: 'fail',
  });
}

describe('trainGrpo', () => {
  it('raises a learnable reward: the policy gradient points uphill', async () => {
    const { lines } = await train({
      overrides: {
        steps: 12,
        groupsPerStep: 2,
        groupSize: 8,
        maxNewTokens: 24,
        maxTurns: 1,
        learningRate: 1e-2,
        seed: 3,
      },
      rubric: lowercaseRubric,
    });
    const rewards = lines.map((line) => line[M.reward.mean]);
    const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;
    // Seeded, so deterministic: 0.156 over the first three steps, 0.241 over the last three.
    expect(mean(rewards.slice(-3))).toBeGreaterThan(mean(rewards.slice(0, 3)) + 0.05);
  }, 60_000);

  it('fails the step when a reward part throws, by default', async () => {
    await expect(train({ rubric: faultyRubric({ onError: 'fail' }) })).rejects.toThrow(StatesetError);
  });

  it("with rewardErrors 'skip', trains on the other parts and counts the skips", async () => {
    const { lines } = await train({ rubric: faultyRubric({ onError: 'skip' }) });
    expect(lines.map((line) => line[M.reward.componentSkipped('broken')])).toEqual([2, 2]);
    expect(lines.every((line) => line[M.reward.componentMean('length')] !== undefined)).toBe(true);
    expect(lines.map((line) => line[M.rolloutUnscored])).toEqual([0, 0]);
  });

  it('leaves rollouts with no reward at all out, counted, and takes no step without signal', async () => {
    const { lines } = await train({ rubric: faultyRubric({ onError: 'skip', breakAll: true }) });
    expect(lines.map((line) => [line[M.rolloutUnscored], line[M.optimSkipped]])).toEqual([
      [2, 1],
      [2, 1],
    ]);
    expect(lines[0]).not.toHaveProperty([M.lossPolicy]);
  });

  it('fails loudly when every rollout of a step fails (a prompt that cannot fit the context)', async () => {
    const run = train({
      overrides: {
        model: { width: 16, layers: 1, heads: 2, mlpWidth: 32, contextLength: 300 },
        maxNewTokens: 32,
      },
    });
    await expect(run).rejects.toMatchObject({
      code: 'agent_failed',
      message: expect.stringContaining('every rollout of step 1'),
    });
  });

  it('stops between steps when asked, checkpointing the last finished step for resume', async () => {
    const controller = new AbortController();
    const { outcome, paths, lines } = await train({
      overrides: { steps: 5, checkpointEvery: 0 },
      signal: controller.signal,
      onStep: (step) => step === 2 && controller.abort(),
    });
    expect(outcome).toMatchObject({ steps: 2, stoppedBy: 'aborted' });
    expect(lines).toHaveLength(2);
    expect(await new CheckpointManager(paths, 1).readLatest()).toMatchObject({ step: 2 });
    expect(existsSync(paths.evalAfter)).toBe(false);
  });

  it('ends a time budget on an evaluated, checkpointed step that a resume continues from', async () => {
    // A clock that moves 1 s per reading: once at the start, twice a step, so every step takes 1 s.
    const ticking = () => {
      let now = 0;
      return () => (now += 1000);
    };
    const budget = { steps: 20, checkpointEvery: 0, evalEpisodes: 2, maxNewTokens: 24 };
    // Step 2 starts at 3 s and ends at 4 s; a third would end at 6 s, past 4.5 s: step 2 is the last.
    const first = await train({
      overrides: { ...budget, seconds: 4.5, earlyStoppingPatience: 100 },
      clock: ticking(),
    });
    expect(first.outcome).toMatchObject({ steps: 2, stoppedBy: 'time_budget' });
    expect(first.lines.map((line) => line[M.eval.successRate] !== undefined)).toEqual([false, true]);
    const latest = await new CheckpointManager(first.paths, 1).readLatest();
    expect(latest).toMatchObject({ step: 2 });
    expect(latest?.finished).toBeUndefined();
    expect(existsSync(first.paths.evalAfter)).toBe(true);
    // A budget shorter than two steps: the first step runs (nothing to judge by), no second starts.
    const resumed = await train({
      overrides: { ...budget, seconds: 1.5 },
      clock: ticking(),
      start: { step: 2, earlyStopping: INITIAL_EARLY_STOPPING },
    });
    expect(resumed.outcome).toMatchObject({ steps: 3, stoppedBy: 'time_budget' });
    expect(resumed.lines.map((line) => line.step)).toEqual([3]);
    expect(await new CheckpointManager(resumed.paths, 1).readLatest()).toMatchObject({ step: 3 });
  });

  it('stops early once evaluations stop improving, and says so in latest.json', async () => {
    const { outcome, paths, lines } = await train({
      overrides: { steps: 6, evalEpisodes: 2, evalEvery: 1, earlyStoppingPatience: 1, maxNewTokens: 24 },
    });
    // an untrained model solves nothing: the baseline is the best, the first later evaluation ties it
    expect(outcome).toMatchObject({ steps: 1, stoppedBy: 'early_stopping' });
    expect(outcome.earlyStopping).toEqual({ best: { step: 0, successRate: 0 }, evalsWithoutImprovement: 1 });
    expect(lines[0]).toHaveProperty([M.eval.successRate], 0);
    expect(await new CheckpointManager(paths, 1).readLatest()).toMatchObject({
      step: 1,
      finished: 'early_stopping',
    });
    expect(existsSync(paths.evalBefore) && existsSync(paths.evalAfter) && existsSync(paths.best)).toBe(true);
  });

  it('trains no further when resumed at the end of a run that stopped early', async () => {
    const start = { step: 1, earlyStopping: INITIAL_EARLY_STOPPING, finished: 'early_stopping' as const };
    const { outcome, lines } = await train({ overrides: { steps: 3 }, start });
    expect(outcome).toEqual({ steps: 1, stoppedBy: 'early_stopping', earlyStopping: INITIAL_EARLY_STOPPING });
    expect(lines).toEqual([]);
  });

  it('compares untempered logprobs when rollouts sample at another temperature', async () => {
    const rubric = () => createRubric({ components: [{ reward: lengthReward(), weight: 1 }] });
    const overrides = { temperature: 0.1, steps: 1, groupSize: 4, learningRate: 1e-3 };
    // One epoch: on-policy, the ratio is the policy's own (exactly 1).
    const [single] = (await train({ overrides, rubric })).lines;
    expect(single[M.rolloutZeroStdFraction]).toBe(0);
    expect(single[M.policyRatioMean]).toBe(1);
    expect(single[M.policyClipFraction]).toBe(0);
    // Two epochs: the old logprobs are recomputed untempered, so the ratio measures only the drift
    // of the first epoch's step (at this low temperature the sampling logprobs would put it far from 1).
    const [line] = (await train({ overrides: { ...overrides, epochsPerBatch: 2 }, rubric })).lines;
    expect(line[M.optimSkipped]).toBe(0);
    expect(Math.abs(line[M.policyRatioMean] - 1)).toBeGreaterThan(0);
    expect(Math.abs(line[M.policyRatioMean] - 1)).toBeLessThan(0.02);
  });
});
