// GRPO end to end on support-lite with a tiny byte-level model: the run folder (resolved config,
// metrics with the documented keys, samples, checkpoints loadable as such, evaluations), and an exact
// resume: a run killed after step 3 (checkpoint at 2) and resumed ends bitwise equal to one straight run.

import { existsSync } from 'node:fs';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadCheckpoint } from '../../src/models/checkpoint.js';
import { readTrajectoriesJsonl } from '../../src/conversation/trajectory-jsonl.js';
import { isTimingMetric, TRAINING_METRICS as M } from '../../src/training/metric-names.js';
import { readMetrics, type MetricsLine } from '../../src/training/metrics-log.js';
import { parseTrainingConfig } from '../../src/training/resolve-training-config.js';
import type { RunPaths } from '../../src/training/run-paths.js';
import type { TrainingConfig } from '../../src/training/training-config.js';
import { readSavedConfig, runTraining } from '../../src/training/training-run.js';

const STEPS = 4;
const KILLED_AFTER = 3;

/**
 * A few seconds of GRPO: 2 groups of 4. An untrained model calls no tool, and support-lite pays
 * nothing for doing nothing, so its groups have equal (zero) rewards: the run keeps them in the
 * update (no drop of zero-advantage groups), and weight decay then the KL term to the reference
 * move the weights, so that every step really optimises, checkpoints differ and resume has state to restore.
 */
function tinyRun(runsDir: string, runName: string): TrainingConfig {
  const parsed = parseTrainingConfig({
    seed: 7,
    steps: STEPS,
    groupsPerStep: 2,
    groupSize: 4,
    maxNewTokens: 160,
    maxTurns: 3,
    profile: 'aggressive', // two epochs per batch: the second exercises the stored old logprobs
    klCoefficient: 0.05,
    dropZeroAdvantage: false,
    weightDecay: 0.1,
    model: { contextLength: 1024, width: 32, layers: 1, heads: 2, mlpWidth: 64 },
    evalEvery: 2,
    evalEpisodes: 3,
    checkpointEvery: 2,
    keepLastCheckpoints: 1,
    sampleEvery: 2,
    runsDir,
    runName,
  });
  if (!parsed.ok) throw parsed.error;
  return parsed.value;
}

/** The exact bytes of a float array, so that equality is bitwise (NaN, −0 included). */
const bytes = (values: Float32Array | undefined) =>
  values === undefined ? undefined : Buffer.from(values.buffer, values.byteOffset, values.byteLength);

const withoutTiming = (lines: readonly MetricsLine[]) =>
  lines.map((line) => Object.fromEntries(Object.entries(line).filter(([name]) => !isTimingMetric(name))));

describe('train (GRPO on support-lite)', () => {
  let straight: RunPaths;
  let resumed: RunPaths;
  let config: TrainingConfig;

  beforeAll(async () => {
    const runsDir = await mkdtemp(join(tmpdir(), 'train-e2e-'));
    config = tinyRun(runsDir, 'straight');
    straight = (await runTraining({ config })).paths;
    const killed = runTraining({
      config: tinyRun(runsDir, 'resumed'),
      onStep: (report) => {
        if (report.step === KILLED_AFTER) throw new Error('killed');
      },
    });
    await expect(killed).rejects.toThrow('killed');
    const result = await runTraining({ config, resume: join(runsDir, 'resumed') });
    expect(result.outcome).toMatchObject({ steps: STEPS, stoppedBy: 'completed' });
    resumed = result.paths;
  }, 60_000);

  it('writes the resolved configuration and the model it built', async () => {
    const saved = await readSavedConfig(straight);
    expect(saved.config).toEqual(config);
    expect(saved.config).toMatchObject({
      learningRate: 1e-3,
      epochsPerBatch: 2,
      clipHigh: 0.4,
      klCoefficient: 0.05,
    });
    expect(saved.model).toMatchObject({ width: 32, layers: 1, contextLength: 1024, vocabSize: 264 });
  });

  it('logs one line per step with the documented metrics, all finite', async () => {
    const lines = await readMetrics(straight.metrics);
    expect(lines.map((line) => line.step)).toEqual([1, 2, 3, 4]);
    const every = [
      M.reward.mean,
      M.reward.componentMean('right_answer'),
      M.reward.componentMean('brevity'),
      M.rolloutTurnsMean,
      M.rolloutZeroStdFraction,
      M.policyEntropy,
      M.perfEpisodesPerSecond,
      M.perfTokensPerSecond,
      M.optimLr,
    ];
    const trained = [M.lossPolicy, M.policyKl, M.policyClipFraction, M.optimGradNorm];
    const evaluated = [M.eval.successRate, M.eval.passHatK(1), M.eval.rewardMean];
    for (const line of lines) {
      for (const name of every) expect(line, `${name} at step ${line.step}`).toHaveProperty([name]);
      if (line[M.optimSkipped] === 0) for (const name of trained) expect(line).toHaveProperty([name]);
      for (const value of Object.values(line)) expect(Number.isFinite(value)).toBe(true);
    }
    expect(lines.every((line) => line[M.optimSkipped] === 0)).toBe(true);
    expect(lines.filter((line) => M.eval.successRate in line).map((line) => line.step)).toEqual([2, 4]);
    for (const line of lines.filter((line) => M.eval.successRate in line))
      for (const name of evaluated) expect(line).toHaveProperty([name]);
    // The second epoch sees drift from the first epoch's update: ratios move off 1.
    expect(lines.some((line) => (line[M.policyRatioMean] ?? 1) !== 1)).toBe(true);
  });

  it('saves checkpoints that load as training state, keeps only the newest, and the best and pointer', async () => {
    const state = await loadCheckpoint(
      straight.stepCheckpoint(STEPS),
      (await readSavedConfig(straight)).model,
    );
    const reference = await loadCheckpoint(straight.reference, state.config);
    expect(state.step).toBeGreaterThan(0); // two optimiser steps per trained step
    expect(state.parameters.get('embed.weight')).not.toEqual(reference.parameters.get('embed.weight'));
    expect(existsSync(straight.stepCheckpoint(2))).toBe(false); // keepLastCheckpoints 1
    expect(JSON.parse(await readFile(straight.latest, 'utf8'))).toMatchObject({
      step: STEPS,
      checkpoint: join('checkpoints', `step-${STEPS}.safetensors`),
      finished: 'completed',
    });
    expect(existsSync(straight.best)).toBe(true);
    expect(JSON.parse(await readFile(straight.bestInfo, 'utf8'))).toHaveProperty(['eval/success_rate']);
    expect(existsSync(straight.evalBefore) && existsSync(straight.evalAfter)).toBe(true);
  });

  it('writes the sampled trajectories with tokens and rewards every sampleEvery steps', async () => {
    const samples = await readTrajectoriesJsonl({ path: straight.stepSamples(2) });
    expect(samples).toHaveLength(8);
    expect(new Set(samples.map((trajectory) => trajectory.groupId)).size).toBe(2);
    for (const trajectory of samples) {
      expect(trajectory.reward).toEqual(expect.any(Number));
      expect(trajectory.turns[0].tokens?.completion.length).toBeGreaterThan(0);
    }
    expect(existsSync(straight.stepSamples(1))).toBe(false);
  });

  it('resumes exactly: the same metrics and bitwise the same weights and optimiser state', async () => {
    expect(withoutTiming(await readMetrics(resumed.metrics))).toEqual(
      withoutTiming(await readMetrics(straight.metrics)),
    );
    const model = (await readSavedConfig(straight)).model;
    const [a, b] = await Promise.all([
      loadCheckpoint(straight.stepCheckpoint(STEPS), model),
      loadCheckpoint(resumed.stepCheckpoint(STEPS), model),
    ]);
    expect(b.step).toBe(a.step);
    for (const [name, values] of a.parameters) expect(bytes(b.parameters.get(name))).toEqual(bytes(values));
    expect([...b.adam.keys()]).toEqual([...a.adam.keys()]);
    for (const [name, moments] of a.adam) {
      expect(bytes(b.adam.get(name)?.m)).toEqual(bytes(moments.m));
      expect(bytes(b.adam.get(name)?.v)).toEqual(bytes(moments.v));
    }
  });
});
