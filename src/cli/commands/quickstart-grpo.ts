// The quickstart's GRPO stage: `train`'s run (runTraining, the same folder layout and report) from
// the SFT checkpoint, for a fixed step count or until a deadline, which becomes the run's own
// time budget (`train --seconds`).

import { createLogger } from '../../observability/logger.js';
import { resolveTrainingConfig } from '../../training/resolve-training-config.js';
import { TrainingConfigSchema } from '../../training/training-config.js';
import { runTraining } from '../../training/training-run.js';
import type { CliOutput } from '../cli-io.js';
import { ProgressDisplay } from '../progress-display.js';
import { budgetedTotalSteps, trainProgressLine } from './train-progress.js';

/** The step cap of a run that stops at a deadline; the deadline ends it long before. */
export const TIMED_GRPO_MAX_STEPS = 1000;

/** Options of `runQuickstartGrpo`. */
export type QuickstartGrpoOptions = {
  /** The SFT checkpoint the policy (and the run's reference weights) start from. */
  readonly initCheckpoint: string;
  /** Folder that receives the run folder, and the run folder's name. */
  readonly runsDir: string;
  readonly runName: string;
  /** Fixed step count; 0 trains until `deadline`. */
  readonly steps: number;
  /** `performance.now()` by which the last step should end; a step is begun only if it should fit. */
  readonly deadline: number;
  readonly seed: number;
  readonly maxNewTokens: number;
  /** Rollout sampling temperature, the KL coefficient, and whether zero-variance groups are dropped. */
  readonly temperature: number;
  readonly klCoefficient: number;
  readonly dropZeroAdvantage: boolean;
  readonly threads: number;
  readonly retailData: string;
  /** Receives the progress lines. */
  readonly output: CliOutput;
  /** Receives the log (the resolved configuration), as `train` logs it. */
  readonly logOutput: CliOutput;
  readonly processEnv: Readonly<Record<string, string | undefined>>;
};

/** Where the run went, its last checkpoint, and how it ended. */
export type QuickstartGrpoResult = {
  readonly runDir: string;
  readonly checkpoint: string;
  readonly steps: number;
  readonly seconds: number;
  readonly stoppedBy: 'completed' | 'deadline';
};

/**
 * Trains GRPO with `train`'s defaults (balanced profile, 4 groups × 8 rollouts per step) and no
 * evaluation of its own. Without a step count, at least one step runs; after each, the next begins
 * only if it would end by `deadline` at the last step's pace.
 */
export async function runQuickstartGrpo(options: QuickstartGrpoOptions): Promise<QuickstartGrpoResult> {
  const timed = options.steps === 0;
  const started = performance.now();
  // A deadline already past still leaves the budget positive: the first step always runs.
  const seconds = timed ? Math.max(1e-3, (options.deadline - started) / 1000) : 0;
  const resolved = resolveTrainingConfig(
    TrainingConfigSchema.parse({
      env: 'support-lite',
      data: options.retailData,
      seed: options.seed,
      steps: timed ? TIMED_GRPO_MAX_STEPS : options.steps,
      seconds,
      initCheckpoint: options.initCheckpoint,
      evalEpisodes: 0,
      checkpointEvery: 0,
      maxNewTokens: options.maxNewTokens,
      temperature: options.temperature,
      klCoefficient: options.klCoefficient,
      dropZeroAdvantage: options.dropZeroAdvantage,
      threads: options.threads,
      runsDir: options.runsDir,
      runName: options.runName,
    }),
  );
  if (!resolved.ok) throw resolved.error;
  const display = new ProgressDisplay({ output: options.output });
  const result = await runTraining({
    config: resolved.value,
    processEnv: options.processEnv,
    onStart: ({ config, model, paths }) => {
      createLogger({ name: 'quickstart', destination: options.logOutput, env: options.processEnv }).info(
        { config, model, runDir: paths.root },
        'grpo configuration',
      );
      options.output.write(
        `  ${paths.root}: ${timed ? 'steps until the deadline' : `${config.steps} steps`}, each ` +
          `${config.groupsPerStep} groups × ${config.groupSize} rollouts, ${config.estimator}/${config.lossFn}, ` +
          `profile ${config.profile} (lr ${config.learningRate}), temperature ${config.temperature}, ` +
          `KL ${config.klCoefficient}\n`,
      );
    },
    onStep: (report) => {
      const totalSteps = budgetedTotalSteps(report, seconds);
      display.update(trainProgressLine({ ...report, totalSteps }), report.step === totalSteps);
    },
  });
  display.finish();
  const { paths, outcome } = result;
  return {
    runDir: paths.root,
    checkpoint: paths.stepCheckpoint(outcome.steps),
    steps: outcome.steps,
    seconds: (performance.now() - started) / 1000,
    stoppedBy: outcome.stoppedBy === 'time_budget' ? 'deadline' : 'completed',
  };
}
