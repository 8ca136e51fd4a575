// Assembles one step's metrics line from what each stage measured, under the names of metric-names.ts.

import type { MetricsLine } from './metrics-log.js';
import { TRAINING_METRICS as M } from './metric-names.js';
import type { PolicyUpdateResult } from './policy-update.js';
import type { RolloutSummary } from './rollout-metrics.js';

/** What a step measured, stage by stage. */
export type StepMeasurements = {
  readonly step: number;
  readonly rewardMetrics: Readonly<Record<string, number>>;
  readonly rollouts: RolloutSummary;
  readonly rolloutSeconds: number;
  readonly zeroStdFraction: number;
  readonly unscored: number;
  readonly learningRate: number;
  /** Absent when the step had nothing to train on. */
  readonly update?: PolicyUpdateResult & { readonly kl: number; readonly sftCoefficient: number };
  readonly stepSeconds: number;
  /** `eval/…` metrics, when the step evaluated. */
  readonly evaluation?: Readonly<Record<string, number>>;
};

/** The metrics line of a step. Means over no tokens (entropy) are left out rather than written as NaN. */
export function stepMetrics(measured: StepMeasurements): MetricsLine {
  const { rollouts, update } = measured;
  const line: Record<string, number> = { [M.step]: measured.step, ...measured.rewardMetrics };
  line[M.rolloutTurnsMean] = rollouts.turnsMean;
  line[M.rolloutCompletionTokensMean] = rollouts.completionTokens / rollouts.episodes;
  line[M.rolloutZeroStdFraction] = measured.zeroStdFraction;
  line[M.rolloutAgentErrors] = rollouts.agentErrors;
  line[M.rolloutUnscored] = measured.unscored;
  if (rollouts.completionTokens > 0) line[M.policyEntropy] = rollouts.entropy;
  line[M.optimLr] = measured.learningRate;
  line[M.optimSkipped] = update === undefined ? 1 : 0;
  if (update !== undefined) {
    line[M.lossPolicy] = update.loss;
    if (update.supervisedLoss !== undefined && update.sftCoefficient > 0)
      line[M.lossSft] = update.supervisedLoss / update.sftCoefficient;
    line[M.policyKl] = update.kl;
    line[M.policyClipFraction] = update.clipFraction;
    line[M.policyRatioMean] = update.ratioMean;
    line[M.optimGradNorm] = update.gradNorm;
    line[M.perfTrainTokensPerSecond] = update.tokens / Math.max(update.seconds, 1e-9);
  }
  line[M.perfEpisodesPerSecond] = rollouts.episodes / Math.max(measured.rolloutSeconds, 1e-9);
  line[M.perfTokensPerSecond] = rollouts.completionTokens / Math.max(measured.rolloutSeconds, 1e-9);
  line[M.perfStepSeconds] = measured.stepSeconds;
  return { ...line, ...measured.evaluation, step: measured.step };
}
