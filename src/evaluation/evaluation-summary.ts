// What an evaluation reports: success rate, τ-bench's pass^1 … pass^n, mean reward and its parts,
// mean turns and how episodes ended. Metric names follow the slash convention of STYLE.md.

import type { StopReason } from '../conversation/trajectory.js';
import type { EvaluationTask } from './evaluate.js';
import { passHatKCurve } from './pass-hat-k.js';

/** Metric names of an evaluation, defined in one place. */
export const EVAL_METRICS = {
  successRate: 'eval/success_rate',
  passHatK: (k: number) => `eval/pass^${k}`,
  rewardMean: 'eval/reward/mean',
  partMean: (name: string) => `eval/reward/${name}/mean`,
  turnsMean: 'eval/turns/mean',
} as const;

/** The numbers of one evaluation. */
export type EvaluationSummary = {
  readonly tasks: number;
  /** Trials per task. */
  readonly trials: number;
  readonly episodes: number;
  readonly successes: number;
  /** successes / episodes. */
  readonly successRate: number;
  /** `passHatK[k - 1]` is pass^k, for k = 1 … trials. */
  readonly passHatK: readonly number[];
  readonly meanReward: number;
  /** Mean of each reward part over the episodes, in the scorer's order. */
  readonly meanParts: Readonly<Record<string, number>>;
  /** Mean agent turns per episode. */
  readonly meanTurns: number;
  readonly stopReasons: Readonly<Partial<Record<StopReason, number>>>;
};

/** Summarises evaluated tasks (at least one task with at least one trial each). */
export function summarizeEvaluation(tasks: readonly EvaluationTask[]): EvaluationSummary {
  const trials = tasks.flatMap((task) => task.trials);
  const successes = trials.filter((trial) => trial.success).length;
  const partNames = [...new Set(trials.flatMap((trial) => Object.keys(trial.parts)))];
  const stopReasons: Partial<Record<StopReason, number>> = {};
  for (const trial of trials) stopReasons[trial.stopReason] = (stopReasons[trial.stopReason] ?? 0) + 1;
  return {
    tasks: tasks.length,
    trials: Math.min(...tasks.map((task) => task.trials.length)),
    episodes: trials.length,
    successes,
    successRate: successes / trials.length,
    passHatK: passHatKCurve(tasks.map((task) => task.trials.map((trial) => (trial.success ? 1 : 0)))),
    meanReward: mean(trials.map((trial) => trial.reward)),
    meanParts: Object.fromEntries(
      partNames.map((name) => [name, mean(trials.map((trial) => trial.parts[name] ?? 0))]),
    ),
    meanTurns: mean(trials.map((trial) => trial.turns)),
    stopReasons,
  };
}

/** The summary as flat metrics: `eval/success_rate`, `eval/pass^k`, `eval/reward/<part>/mean` … */
export function evaluationMetrics(summary: EvaluationSummary): Record<string, number> {
  const metrics: Record<string, number> = { [EVAL_METRICS.successRate]: summary.successRate };
  summary.passHatK.forEach((value, index) => (metrics[EVAL_METRICS.passHatK(index + 1)] = value));
  metrics[EVAL_METRICS.rewardMean] = summary.meanReward;
  for (const [name, value] of Object.entries(summary.meanParts)) metrics[EVAL_METRICS.partMean(name)] = value;
  metrics[EVAL_METRICS.turnsMean] = summary.meanTurns;
  return metrics;
}

function mean(values: readonly number[]): number {
  return values.reduce((sum, value) => sum + value, 0) / values.length;
}
