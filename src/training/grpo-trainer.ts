// The GRPO-family training loop (Shao et al. 2024; variants by configuration): per step, collect
// groups, score them, compute group advantages, build normalised datums, then optimise for a few
// epochs on the backend; evaluate, checkpoint and log. It orchestrates; the formulas live elsewhere.

import type { LocalTrainingBackend } from '../backends/local-backend.js';
import { klMean } from '../backends/loss-metrics.js';
import type { Datum } from '../backends/training-backend.js';
import type { ChatRenderer } from '../conversation/chat-renderer.js';
import type { TokenSequence } from '../conversation/token-sequence.js';
import { writeTrajectoriesJsonl } from '../conversation/trajectory-jsonl.js';
import { learningRateAt } from '../engine/optim/lr-schedule.js';
import { EVAL_METRICS } from '../evaluation/evaluation-summary.js';
import type { LanguageModel } from '../models/language-model.js';
import { batchAdvantages, type TrainableRollout } from './batch-advantages.js';
import { CheckpointManager, writeJson } from './checkpoint-manager.js';
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
import { supervisedDatums } from './supervised-term.js';
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
  /**
   * Steps already finished (0 for a new run), the early-stopping state at that point, and whether the
   * run had already ended there (then nothing more is trained).
   */
  readonly start: {
    readonly step: number;
    readonly earlyStopping: EarlyStoppingState;
    readonly finished?: 'completed' | 'early_stopping';
  };
  /** Called after every step's metrics are written; awaited. */
  readonly onStep?: (report: StepReport) => void | PromiseLike<void>;
  /**
   * Stops the run between steps (a step in progress finishes): the last finished step is checkpointed
   * and it returns with `stoppedBy: 'aborted'`, ready for resume.
   */
  readonly signal?: AbortSignal;
  /** The conversations of `config.sftData`, tokenized, when the supervised term is on. */
  readonly supervised?: readonly TokenSequence[];
  /** Milliseconds for `config.seconds` (default `performance.now`); read once per session and twice a step. */
  readonly clock?: () => number;
};

/** How a training session ended. */
export type TrainingOutcome = {
  /** Steps finished in all (including those before a resume). */
  readonly steps: number;
  /** 'time_budget': `config.seconds` ran out before `config.steps`; the run can be resumed. */
  readonly stoppedBy: 'completed' | 'early_stopping' | 'time_budget' | 'aborted';
  readonly earlyStopping: EarlyStoppingState;
  /** The last evaluation of this session, if any. */
  readonly lastEvaluation?: PolicyEvaluation;
};

/** Trains from `start.step` to `config.steps` (or an early stop), writing everything into the run folder. */
export async function trainGrpo<TState>(options: GrpoTrainerOptions<TState>): Promise<TrainingOutcome> {
  const { config, backend, paths } = options;
  const checkpoints = new CheckpointManager(paths, config.keepLastCheckpoints);
  const evaluations = new EvaluationBook(options, checkpoints);
  if (options.start.finished !== undefined) {
    const { step, earlyStopping, finished } = options.start;
    return { steps: step, stoppedBy: finished, earlyStopping };
  }
  if (options.start.step === 0 && config.evalBeforeTraining && config.evalEpisodes > 0) {
    const baseline = await evaluations.evaluate(0);
    await writeJson(paths.evalBefore, { step: 0, metrics: baseline.metrics, summary: baseline.summary });
  }
  const sessionStart = performance.now();
  let step = options.start.step;
  let checkpointed = step;
  const finish = async (stoppedBy: TrainingOutcome['stoppedBy']): Promise<TrainingOutcome> => {
    if (stoppedBy !== 'aborted' && evaluations.last !== undefined)
      await writeJson(paths.evalAfter, {
        step,
        metrics: evaluations.last.metrics,
        summary: evaluations.last.summary,
      });
    return { steps: step, stoppedBy, earlyStopping: evaluations.state, lastEvaluation: evaluations.last };
  };
  // A time budget, judged by the pace of the step before: a step that would end past it does not
  // start, and one after which the next could not fit is the last (evaluated and checkpointed).
  const clock = options.clock ?? (() => performance.now());
  const budgetStart = clock();
  let lastStepSeconds = 0;
  while (step < config.steps) {
    if (options.signal?.aborted === true) {
      if (checkpointed !== step) await checkpoints.save(backend, { step, earlyStopping: evaluations.state });
      return finish('aborted');
    }
    const stepStarted = clock();
    const timed = config.seconds > 0 && step > options.start.step;
    const elapsed = (stepStarted - budgetStart) / 1000;
    if (timed && elapsed + lastStepSeconds > config.seconds) {
      if (checkpointed !== step) await checkpoints.save(backend, { step, earlyStopping: evaluations.state });
      return finish('time_budget');
    }
    step++;
    const outOfTime = timed && step < config.steps && elapsed + 2 * lastStepSeconds > config.seconds;
    const metrics = await trainStep(options, step, evaluations, outOfTime);
    lastStepSeconds = (clock() - stepStarted) / 1000;
    await appendMetrics(paths.metrics, metrics);
    const stopEarly =
      metrics[EVAL_METRICS.successRate] !== undefined &&
      shouldStopEarly(evaluations.state, config.earlyStoppingPatience);
    const finished = step === config.steps ? 'completed' : stopEarly ? 'early_stopping' : undefined;
    if (
      finished !== undefined ||
      outOfTime ||
      (config.checkpointEvery > 0 && step % config.checkpointEvery === 0)
    ) {
      await checkpoints.save(backend, {
        step,
        earlyStopping: evaluations.state,
        ...(finished === undefined ? {} : { finished }),
      });
      checkpointed = step;
    }
    await options.onStep?.({
      step,
      totalSteps: config.steps,
      metrics,
      elapsedSeconds: (performance.now() - sessionStart) / 1000,
      sessionSteps: step - options.start.step,
    });
    if (stopEarly) return finish('early_stopping');
    if (outOfTime) return finish('time_budget');
  }
  return finish('completed');
}

/**
 * One step: rollouts, advantages, update, evaluation when due (every `evalEvery`, at the last step,
 * and on the `last` step of a time budget), samples; returns its metrics line.
 */
async function trainStep<TState>(
  options: GrpoTrainerOptions<TState>,
  step: number,
  evaluations: EvaluationBook<TState>,
  last: boolean,
): Promise<MetricsLine> {
  const { config, training, backend, paths } = options;
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
  });
  const advantages = batchAdvantages({
    groups: rollouts.groups,
    estimator: config.estimator,
    scaleByStd: config.scaleByStd,
    batchBaseline: config.batchBaseline,
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
            onPolicy: isOnPolicyUpdate(config),
          },
          adam: { learningRate, weightDecay: config.weightDecay, gradClipNorm: config.gradClipNorm },
          epochs: config.epochsPerBatch,
          microBatchSize: config.microBatchSize,
          supervised: stepSupervisedDatums(options, step),
        });
  const stepSeconds = (performance.now() - stepStart) / 1000;
  const due =
    config.evalEpisodes > 0 &&
    (last || step === config.steps || (config.evalEvery > 0 && step % config.evalEvery === 0));
  const evaluation = due ? await evaluations.evaluate(step) : undefined;
  const trajectories = rollouts.groups.flatMap((group) => group.group.trajectories);
  if (config.sampleEvery > 0 && step % config.sampleEvery === 0)
    await writeTrajectoriesJsonl({ path: paths.stepSamples(step), trajectories });
  return stepMetrics({
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
            sftCoefficient: config.sftCoefficient,
            kl: klMean(
              datums,
              update.firstEpochLogprobs.map((logprobs) => ({ logprobs })),
            ),
          },
    stepSeconds,
    evaluation: evaluation?.metrics,
  });
}

/** The supervised term's datums of the step (PPO-ptx), or none when it is off. */
function stepSupervisedDatums<TState>(options: GrpoTrainerOptions<TState>, step: number): Datum[] {
  const { config, supervised } = options;
  if (config.sftCoefficient === 0 || supervised === undefined) return [];
  return supervisedDatums({
    sequences: supervised,
    seed: config.seed,
    step,
    batchSize: config.sftBatchSize,
    coefficient: config.sftCoefficient,
  });
}

/** Runs evaluations, keeps the early-stopping state, and saves the best checkpoint when one improves. */
class EvaluationBook<TState> {
  state: EarlyStoppingState;
  last: PolicyEvaluation | undefined;
  private readonly tasks: readonly string[];

  constructor(
    private readonly options: GrpoTrainerOptions<TState>,
    private readonly checkpoints: CheckpointManager,
  ) {
    const { training, config } = options;
    this.state = options.start.earlyStopping;
    const ids = training.environment.scenarioIds(training.evalSplit);
    this.tasks = pickEvaluationTasks(ids, config.evalEpisodes, config.seed);
  }

  async evaluate(step: number): Promise<PolicyEvaluation> {
    const { config, training, backend } = this.options;
    const evaluation = await evaluatePolicy({
      training,
      model: backend.model,
      renderer: this.options.renderer,
      taskIds: this.tasks,
      trials: config.evalTrials,
      temperature: config.evalTemperature,
      maxNewTokens: config.maxNewTokens,
      maxTurns: config.maxTurns,
      toolPrompt: config.toolPrompt,
      concurrency: config.concurrency,
      seed: config.seed,
    });
    const observed = observeEvaluation(this.state, { step, successRate: evaluation.summary.successRate });
    this.state = observed.state;
    this.last = evaluation;
    if (observed.improved) await this.checkpoints.saveBest(backend, { step, ...evaluation.metrics });
    return evaluation;
  }
}

/**
 * Whether the update reads the policy's own logprobs as the old ones (`LossFnConfig.onPolicy`): when
 * rollouts sample at a temperature other than 1, their logprobs are not the untempered policy's, and
 * with one epoch the policy the update starts from is the old policy itself (the ratio is 1).
 */
function isOnPolicyUpdate(config: TrainingConfig): boolean {
  return config.temperature !== 1 && config.epochsPerBatch === 1;
}

/**
 * The step's datums: normalised by `buildPolicyDatums`, with the reference logprobs attached (the KL
 * penalty and `policy/kl` read them) and, when rollouts sampled at a temperature other than 1 and
 * later epochs need them, the old logprobs recomputed untempered, since the losses compare them with
 * untempered new logprobs. With one epoch the update is on-policy and needs no old logprobs.
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
  if (config.temperature === 1 || isOnPolicyUpdate(config)) return withReference;
  const current = await datumLogprobs({
    scorer: options.backend,
    datums: withReference,
    chunkSize: config.microBatchSize,
  });
  return withOldLogprobs(withReference, current);
}
