// Training speed of the real GRPO trainer on support-lite: a few steps of `runTraining` (rollouts with
// the simulated user and tools, rewards, group advantages, PPO-clipped updates) on the bench model,
// warm-started from the bench checkpoint. The first step is left out: it compiles the graphs.
// Writes benchmark_results/training-speed.json. Usage: npm run build && node dist/bench/training-speed.js
//   [-- --checkpoint FILE --steps 3 --groups 4 --group-size 8 --max-new-tokens 160 --temperature 1]

import { TRAINING_METRICS as M } from '../src/training/metric-names.js';
import { parseTrainingConfig } from '../src/training/resolve-training-config.js';
import { runTraining } from '../src/training/training-run.js';
import type { MetricsLine } from '../src/training/metrics-log.js';
import { BenchRun, writeBenchResult } from './support/bench-result.js';
import { benchCheckpoint, modelLine } from './support/bench-checkpoint.js';
import { readCliOptions } from './support/cli-options.js';
import { temporaryDir } from './support/temporary-dir.js';
import { loadLine } from './support/machine.js';
import { quantile, round } from './support/stats.js';
import { inLoopLine, markdownTable } from './support/table.js';

const options = readCliOptions();
const run = new BenchRun('training-speed');
const steps = options.number('steps', 3);
if (steps < 2) throw new Error('--steps must be at least 2: the first step only warms up');
const groups = options.number('groups', 4);
const groupSize = options.number('group-size', 8);
const maxNewTokens = options.number('max-new-tokens', 160);
// The learning benchmark samples at 0.7; other than 1, each step reads the policy's own logprobs.
const temperature = options.number('temperature', 1);
const checkpoint = await benchCheckpoint(options);
const parsed = parseTrainingConfig({
  env: 'support-lite',
  steps,
  groupsPerStep: groups,
  groupSize,
  maxNewTokens,
  temperature,
  // Every step updates, even when all of a group's rewards tie, so the update's speed is measured.
  dropZeroAdvantage: false,
  initCheckpoint: checkpoint.path,
  evalEpisodes: 0,
  evalBeforeTraining: false,
  checkpointEvery: 0,
  sampleEvery: 0,
  runsDir: temporaryDir('bench-training-'),
  runName: 'training-speed',
});
if (!parsed.ok) throw parsed.error;
const lines: MetricsLine[] = [];
const { config } = await runTraining({
  config: parsed.value,
  onStep: (report) => void lines.push(report.metrics),
});
const measured = lines.slice(1);
/** The median of a metric over the measured steps that have it (a step with no update has no update speed). */
const median = (name: string) => {
  const values = measured.map((line) => line[name]).filter((value) => value !== undefined);
  return values.length === 0 ? Number.NaN : quantile(values, 0.5);
};
const episodesPerStep = groups * groupSize;
const stepSeconds = median(M.perfStepSeconds);
const rows = lines.map((line, index) => ({
  step: index + 1,
  stepSeconds: round(line[M.perfStepSeconds], 2),
  episodesPerSecond: round(line[M.perfEpisodesPerSecond], 3),
  sampledTokensPerSecond: round(line[M.perfTokensPerSecond], 1),
  trainTokensPerSecond: round(line[M.perfTrainTokensPerSecond] ?? Number.NaN, 1),
  completionTokensPerEpisode: round(line[M.rolloutCompletionTokensMean], 1),
  turnsPerEpisode: round(line[M.rolloutTurnsMean], 2),
  reward: round(line[M.reward.mean] ?? Number.NaN, 3),
  skippedUpdate: line[M.optimSkipped] === 1,
}));
const inLoop = {
  model: modelLine(checkpoint),
  checkpoint: `warm start: ${checkpoint.origin}`,
  environment: 'support-lite (simulated user, tools, verifiable reward)',
  perStep: `${groups} groups × ${groupSize} rollouts = ${episodesPerStep} episodes, ${config.epochsPerBatch} epoch(s) of ${config.lossFn}, zero-variance groups kept`,
  maxNewTokensPerTurn: maxNewTokens,
  temperature,
  maxTurns: config.maxTurns,
  steps: `${steps} (first left out as warm-up; medians of the rest)`,
};
const result = run.finish({
  description: 'Speed of the GRPO trainer on support-lite: rollouts, rewards and updates, per step.',
  inLoop,
  metrics: {
    'training/step_seconds': round(stepSeconds, 3),
    'training/episodes_per_second': round(episodesPerStep / stepSeconds, 3),
    'training/rollout_episodes_per_second': round(median(M.perfEpisodesPerSecond), 3),
    'training/rollout_tokens_per_second': round(median(M.perfTokensPerSecond), 1),
    'training/update_tokens_per_second': round(median(M.perfTrainTokensPerSecond), 1),
  },
  details: { rows },
});
await writeBenchResult(result);
console.log(`training speed: ${inLoopLine(inLoop)}\n${loadLine(result.machine)}`);
console.log(
  markdownTable(
    [
      'step',
      's/step',
      'rollout episodes/s',
      'sampled tokens/s',
      'update tokens/s',
      'tokens/episode',
      'turns/episode',
    ],
    rows.map((r) => [
      r.step === 1 ? '1 (warm-up)' : r.step,
      r.stepSeconds,
      r.episodesPerSecond,
      r.sampledTokensPerSecond,
      r.trainTokensPerSecond,
      r.completionTokensPerEpisode,
      r.turnsPerEpisode,
    ]),
  ),
);
