// The GRPO-family training loop (Shao et al. 2024; variants by configuration): per step, collect
// groups, score them, compute group advantages, build normalised datums, then optimise for a few
// epochs on the backend; evaluate, checkpoint and log. It orchestrates; the formulas live elsewhere.

import type { LocalTrainingBackend } from '../backends/local-backend.js';
import { klMean } from '../backends/loss-metrics.js';
import type { Datum } from '../backends/training-backend.js';
import type { ChatRenderer } from '../conversation/chat-renderer.js';
import { writeTrajectoriesJsonl } from '../conversation/trajectory-jsonl.js';
import { learningRateAt } from '../engine/optim/lr-schedule.js';
import type { LanguageModel } from '../models/language-model.js';
import { batchAdvantages, type TrainableRollout } from './batch-advantages.js';
import { CheckpointManager } from './checkpoint-manager.js';
import { datumLogprobs, withOldLogprobs } from './datum-logprobs.js';
import { observeEvaluation, shouldStopEarly, type EarlyStoppingState } from './early-stopping.js';
import { appendMetrics, type MetricsLine } from './metrics-log.js';
import { createPolicyAgent, episodeStop } from './policy-agent.js';
import { buildPolicyDatums, withRefLogprobs } from './policy-datums.js';
import { updatePolicy } from './policy-update.js';
import { collectRollouts, stepSeeds } from './rollout-collection.js';
import { summarizeRollouts, zeroStdFraction } from './rollout-metrics.js';
import type { RunPaths } from './run-paths.js';
import { stepMetrics } from './step-metrics.js';
import type { TrainingConfig } from './training-config.js';
import type { TrainingEnvironment } from './training-environment.js';
import { evaluatePolicy, pickEvaluationTasks, type PolicyEvaluation } from './training-evaluation.js';

/** What the trainer reports after each step. */
export type StepReport = {
  readonly step: number;
  readonly totalSteps: number;
  readonly metrics: MetricsLine;
  /** Seconds since this session's first step began (a resumed run counts from its resumption). */
  readonly elapsedSeconds: number;
  /** Steps this session has run, for rate estimates. */
  readonly sessionSteps: number;
};

/** Options of `trainGrpo`. */
export type GrpoTrainerOptions<TState> = {
  readonly config: TrainingConfig;
  readonly training: TrainingEnvironment<TState>;
  readonly backend: LocalTrainingBackend;
  /** The frozen initial weights. */
  readonly reference: LanguageModel;
  readonly renderer: ChatRenderer;
  readonly paths: RunPaths;
  /** Steps already finished (0 for a new run) and the early-stopping state at that point. */
  readonly start: { readonly step: number; readonly earlyStopping: EarlyStoppingState };
  /** Called after every step's metrics are written; awaited. */
  readonly onStep?: (report: StepReport) => void | PromiseLike<void>;
  /** Stops the run between steps: it returns with `stoppedBy: 'aborted'`, its last checkpoint intact. */
  readonly signal?: AbortSignal;
};

/** How a training session ended. */
export type TrainingOutcome = {
  /** Steps finished in all (including those before a resume). */
  readonly steps: number;
  readonly stoppedBy: 'completed' | 'early_stopping' | 'aborted';
  readonly earlyStopping: EarlyStoppingState;
  /** The last evaluation of this session, if any. */
  readonly lastEvaluation?: PolicyEvaluation;
};

/** Trains from `start.step` to `config.steps` (or an early stop), writing everything into the run folder. */
export async function trainGrpo<TState>(options: GrpoTrainerOptions<TState>): Promise<TrainingOutcome> {
  const { config, training, backend, paths } = options;
  const checkpoints = new CheckpointManager(paths, config.keepLastCheckpoints);
  const evalTasks = pickEvaluationTasks(
    training.environment.scenarioIds(training.evalSplit),
    config.evalEpisodes,
    config.seed,
  );
  let earlyStopping = options.start.earlyStopping;
  let lastEvaluation: PolicyEvaluation | undefined;
  const sessionStart = performance.now();
  let step = options.start.step;
  while (step < config.steps) {
    if (options.signal?.aborted === true)
      return { steps: step, stoppedBy: 'aborted', earlyStopping, lastEvaluation };
    step++;
    const stepStart = performance.now();
    const seeds = stepSeeds({ seed: config.seed, step, groups: config.groupsPerStep });
    const rollouts = await collectRollouts({
      environment: training.environment,
      split: training.trainSplit,
      rubric: training.rubric,
      agent: createPolicyAgent({
        backend,
        renderer: options.renderer,
        tools: training.environment.tools,
        contextLength: backend.model.config.contextLength,
        maxNewTokens: config.maxNewTokens,
        temperature: config.temperature,
        seed: seeds.policySeed,
        toolPrompt: config.toolPrompt,
      }),
      step,
      groupSeeds: seeds.groupSeeds,
      groupSize: config.groupSize,
      concurrency: config.concurrency,
      stop: episodeStop(config.maxTurns),
      signal: options.signal,
    });
    const advantages = batchAdvantages({
      groups: rollouts.groups,
      estimator: config.estimator,
      scaleByStd: config.scaleByStd,
    });
    const learningRate = learningRateAt({
      step: step - 1,
      baseLr: config.learningRate,
      warmupSteps: config.warmupSteps,
      totalSteps: config.steps,
      schedule: config.schedule,
      minLrRatio: config.minLrRatio,
    });
    const datums = await trainingDatums(options, advantages.rollouts);
    const update =
      datums.length === 0
        ? undefined
        : await updatePolicy({
            backend,
            datums,
            lossFn: config.lossFn,
            lossFnConfig: {
              clipLowThreshold: 1 - config.clipLow,
              clipHighThreshold: 1 + config.clipHigh,
              klCoefficient: config.klCoefficient,
            },
            adam: { learningRate, weightDecay: config.weightDecay, gradClipNorm: config.gradClipNorm },
            epochs: config.epochsPerBatch,
            microBatchSize: config.microBatchSize,
          });
    const stepSeconds = (performance.now() - stepStart) / 1000;

    const evaluate =
      config.evalEpisodes > 0 &&
      (step === config.steps || (config.evalEvery > 0 && step % config.evalEvery === 0));
    if (evaluate) {
      lastEvaluation = await evaluatePolicy({
        training,
        model: backend.model,
        renderer: options.renderer,
        taskIds: evalTasks,
        trials: config.evalTrials,
        temperature: config.evalTemperature,
        maxNewTokens: config.maxNewTokens,
        maxTurns: config.maxTurns,
        toolPrompt: config.toolPrompt,
        concurrency: config.concurrency,
        seed: config.seed,
        signal: options.signal,
      });
      const observed = observeEvaluation(earlyStopping, {
        step,
        successRate: lastEvaluation.summary.successRate,
      });
      earlyStopping = observed.state;
      if (observed.improved) {
        await checkpoints.saveBest(backend, { step, ...lastEvaluation.metrics });
      }
    }
    const trajectories = rollouts.groups.flatMap((group) => group.group.trajectories);
    if (config.sampleEvery > 0 && step % config.sampleEvery === 0)
      await writeTrajectoriesJsonl({ path: paths.stepSamples(step), trajectories });
    const metrics = stepMetrics({
      step,
      rewardMetrics: rollouts.rewardMetrics,
      rollouts: summarizeRollouts(trajectories),
      rolloutSeconds: rollouts.rolloutSeconds,
      zeroStdFraction: zeroStdFraction(advantages.zeroVariance),
      unscored: advantages.unscored,
      learningRate,
      update:
        update === undefined
          ? undefined
          : {
              ...update,
              kl: klMean(
                datums,
                update.firstEpochLogprobs.map((logprobs) => ({ logprobs })),
              ),
            },
      stepSeconds,
      evaluation: evaluate ? lastEvaluation?.metrics : undefined,
    });
    await appendMetrics(paths.metrics, metrics);

    const stopEarly = evaluate && shouldStopEarly(earlyStopping, config.earlyStoppingPatience);
    const finished = step === config.steps ? 'completed' : stopEarly ? 'early_stopping' : undefined;
    if (finished !== undefined || (config.checkpointEvery > 0 && step % config.checkpointEvery === 0)) {
      await checkpoints.save(backend, {
        step,
        earlyStopping,
        ...(finished === undefined ? {} : { finished }),
      });
    }
    await options.onStep?.({
      step,
      totalSteps: config.steps,
      metrics,
      elapsedSeconds: (performance.now() - sessionStart) / 1000,
      sessionSteps: step - options.start.step,
    });
    if (stopEarly) return { steps: step, stoppedBy: 'early_stopping', earlyStopping, lastEvaluation };
  }
  return { steps: step, stoppedBy: 'completed', earlyStopping, lastEvaluation };
}

/**
 * The step's datums: normalised by `buildPolicyDatums`, with the reference logprobs attached (the KL
 * penalty and `policy/kl` read them) and, when rollouts sampled at a temperature other than 1, the
 * old logprobs recomputed untempered, since the losses compare them with untempered new logprobs.
 */
async function trainingDatums<TState>(
  options: GrpoTrainerOptions<TState>,
  rollouts: readonly TrainableRollout[],
): Promise<Datum[]> {
  const { config } = options;
  if (rollouts.length === 0) return [];
  const datums = buildPolicyDatums({
    trajectories: rollouts.map((rollout) => rollout.trajectory),
    advantages: rollouts.map((rollout) => rollout.advantage),
    normalisation: config.normalisation,
    maxCompletionTokens: config.maxTurns * config.maxNewTokens,
    ...(config.microBatchSize > 0 ? { microBatchSize: config.microBatchSize } : {}),
    dropZeroAdvantage: config.dropZeroAdvantage,
  });
  if (datums.length === 0) return [];
  const reference = {
    computeLogprobs: (sequences: readonly (readonly number[])[]) => options.reference.logprobs(sequences),
  };
  const refLogprobs = await datumLogprobs({ scorer: reference, datums, chunkSize: config.microBatchSize });
  const withReference = withRefLogprobs(datums, refLogprobs);
  if (config.temperature === 1) return withReference;
  const current = await datumLogprobs({
    scorer: options.backend,
    datums: withReference,
    chunkSize: config.microBatchSize,
  });
  return withOldLogprobs(withReference, current);
}
