// Every metric name a training run writes, in one place (slash-separated, as STYLE.md asks). Reward
// and evaluation names come from their own layers and are re-exported here, so this is the index.

import { EVAL_METRICS } from '../evaluation/evaluation-summary.js';
import { REWARD_METRICS } from '../rewards/reward-metrics.js';

/** Names of the metrics of one training step. */
export const TRAINING_METRICS = {
  /** The step number (1-based) the line belongs to. */
  step: 'step',
  /** Mean rubric total of the step's rollouts; `reward/<part>/mean` per part (see `REWARD_METRICS`). */
  reward: REWARD_METRICS,
  /** The summed loss the backend reports (normalised by the datum weights), mean over epochs. */
  lossPolicy: 'loss/policy',
  /** Mean NLL per assistant token of the step's --sft-data batch (before the coefficient). */
  lossSft: 'loss/sft',
  /** k3 estimate of KL(π ‖ π_ref) on the policy tokens, π_ref the initial weights, before the update. */
  policyKl: 'policy/kl',
  /** Weighted fraction of policy tokens whose importance ratio left the clip range, over all epochs. */
  policyClipFraction: 'policy/clip_fraction',
  /**
   * Mean −log q of the sampled tokens under the sampling distribution q: a one-sample Monte Carlo
   * estimate of the per-token entropy of the rollout policy (biased low by truncation, not by much).
   */
  policyEntropy: 'policy/entropy',
  /** Weighted mean importance ratio over all epochs (1 on the first epoch of an exact backend). */
  policyRatioMean: 'policy/ratio_mean',
  /** Mean agent turns per rollout. */
  rolloutTurnsMean: 'rollout/turns_mean',
  /** Mean tokens the policy sampled per rollout. */
  rolloutCompletionTokensMean: 'rollout/completion_tokens_mean',
  /** Fraction of groups whose rewards were all equal (no learning signal). */
  rolloutZeroStdFraction: 'rollout/zero_std_fraction',
  /** Rollouts whose agent failed (stop reason agent_error), e.g. a context overflow. */
  rolloutAgentErrors: 'rollout/agent_errors',
  /** Rollouts with no reward because every part was skipped (rewardErrors 'skip'); left out of the update. */
  rolloutUnscored: 'rollout/unscored',
  /** Rollouts per second of rollout time. */
  perfEpisodesPerSecond: 'perf/episodes_per_second',
  /** Sampled (policy) tokens per second of rollout time. */
  perfTokensPerSecond: 'perf/tokens_per_second',
  /** Datum tokens (prompt and completion) per second of update time, over all epochs. */
  perfTrainTokensPerSecond: 'perf/train_tokens_per_second',
  /** Wall-clock seconds of the whole step (rollouts, rewards, update; not evaluation). */
  perfStepSeconds: 'perf/step_seconds',
  /** Global gradient norm before clipping, mean over the step's optimiser steps. */
  optimGradNorm: 'optim/grad_norm',
  /** Learning rate of the step. */
  optimLr: 'optim/lr',
  /** 1 when the step had nothing to train on (every group zero-variance) and took no optimiser step. */
  optimSkipped: 'optim/skipped',
  /** Evaluation metrics: `eval/success_rate`, `eval/pass^k`, `eval/reward/mean`, … (see `EVAL_METRICS`). */
  eval: EVAL_METRICS,
} as const;

/** Metrics that measure time, so they differ between runs that are otherwise identical. */
export function isTimingMetric(name: string): boolean {
  return name.startsWith('perf/');
}
