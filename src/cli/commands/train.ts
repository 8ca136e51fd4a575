// `stateset-agents train`: GRPO-family RL on support-lite or τ-bench retail with the embedded engine.
// Writes a run folder (config, metrics, samples, checkpoints, evaluations, report.html); `--resume
// RUN_DIR` continues a stopped run exactly where its last checkpoint left it.

import { createLogger } from '../../observability/logger.js';
import { writeRunReport } from '../../training/report/write-run-report.js';
import { resolveTrainingConfig } from '../../training/resolve-training-config.js';
import { TrainingConfigSchema, type TrainingConfigInput } from '../../training/training-config.js';
import { runTraining, type RunStart } from '../../training/training-run.js';
import { parameterCount } from '../../models/transformer-params.js';
import type { CliIo } from '../cli-io.js';
import { defineCommand } from '../command.js';
import { ProgressDisplay } from '../progress-display.js';
import { budgetedTotalSteps, formatDuration, trainProgressLine } from './train-progress.js';

/** The `train` command. */
export const trainCommand = defineCommand({
  name: 'train',
  summary: 'Train an agent with GRPO-family RL on support-lite or retail (--profile, --resume RUN_DIR).',
  schema: TrainingConfigSchema,
  run: runTrain,
});

async function runTrain(input: TrainingConfigInput, io: CliIo): Promise<void> {
  const resolved = resolveTrainingConfig(input);
  if (!resolved.ok) throw resolved.error;
  const logger = createLogger({ name: 'train', destination: io.stderr, env: io.env });
  const display = new ProgressDisplay({ output: io.stdout });
  const abort = new AbortController();
  const onInterrupt = () => {
    io.stderr.write('\ninterrupt: finishing this step and saving a checkpoint (interrupt again to kill)\n');
    abort.abort();
  };
  process.once('SIGINT', onInterrupt);
  const started = performance.now();
  try {
    const result = await runTraining({
      config: resolved.value,
      resume: input.resume,
      processEnv: io.env,
      signal: abort.signal,
      onStart: (start) => announce(start, io, logger),
      onStep: (report) => {
        const totalSteps = budgetedTotalSteps(report, resolved.value.seconds);
        display.update(trainProgressLine({ ...report, totalSteps }), report.step === totalSteps);
      },
    });
    display.finish();
    const { outcome, paths } = result;
    const seconds = (performance.now() - started) / 1000;
    const ended =
      outcome.stoppedBy === 'aborted'
        ? `stopped at step ${outcome.steps}; continue with --resume ${paths.root}`
        : outcome.stoppedBy === 'time_budget'
          ? `stopped at step ${outcome.steps} of ${resolved.value.steps} for the time budget (${resolved.value.seconds} s); continue with --resume ${paths.root}`
          : outcome.stoppedBy === 'early_stopping'
            ? `stopped early at step ${outcome.steps}: no better evaluation for ${resolved.value.earlyStoppingPatience} evaluations`
            : `finished ${outcome.steps} steps`;
    io.stdout.write(`${ended} in ${formatDuration(seconds)}\n`);
    const best = outcome.earlyStopping.best;
    if (best !== null) {
      io.stdout.write(`best held-out success ${(best.successRate * 100).toFixed(1)}% at step ${best.step}\n`);
    }
    if (outcome.stoppedBy !== 'aborted') {
      const report = await writeRunReport({ runDir: paths.root });
      io.stdout.write(`report:     ${report.path}\n`);
    }
    io.stdout.write(`run folder: ${paths.root}\n`);
  } finally {
    display.finish();
    process.removeListener('SIGINT', onInterrupt);
  }
}

function announce(start: RunStart, io: CliIo, logger: ReturnType<typeof createLogger>): void {
  logger.info(
    { config: start.config, model: start.model, runDir: start.paths.root },
    'resolved configuration',
  );
  const { config, model } = start;
  const what = start.resumed
    ? `resuming ${start.paths.root} after step ${start.startStep} with its saved configuration`
    : `new run ${start.paths.root}`;
  io.stdout.write(
    `train: ${what}\n` +
      `  ${config.env}, ${config.steps} steps of ${config.groupsPerStep} groups × ${config.groupSize} rollouts, ` +
      `${config.estimator}/${config.lossFn}/${config.normalisation}, profile ${config.profile} ` +
      `(lr ${config.learningRate}, clip ${config.clipLow}/${config.clipHigh}, kl ${config.klCoefficient}, ` +
      `${config.epochsPerBatch} epoch${config.epochsPerBatch === 1 ? '' : 's'})\n` +
      `  model: ${parameterCount(model).toLocaleString('en-US')} parameters (${model.layers} layers, width ${model.width}, context ${model.contextLength})\n`,
  );
}
