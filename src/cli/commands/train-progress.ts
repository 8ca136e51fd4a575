// The one-line progress of `train`: step, reward, KL, rollout speed and an estimate of the time left.

import type { StepReport } from '../../training/grpo-trainer.js';
import { TRAINING_METRICS as M } from '../../training/metric-names.js';

/** `1m05s`, `42s`, `1h02m`: a short duration for a progress line. */
export function formatDuration(seconds: number): string {
  const total = Math.max(0, Math.round(seconds));
  const [h, m, s] = [Math.floor(total / 3600), Math.floor((total % 3600) / 60), total % 60];
  if (h > 0) return `${h}h${String(m).padStart(2, '0')}m`;
  if (m > 0) return `${m}m${String(s).padStart(2, '0')}s`;
  return `${s}s`;
}

/** `step 3/50  reward 0.183  kl 0.0012  15.7 ep/s  eta 1m05s`, plus the success rate when it evaluated. */
export function trainProgressLine(report: StepReport): string {
  const { metrics } = report;
  const number = (name: string, digits: number) =>
    metrics[name] === undefined ? '–' : metrics[name].toFixed(digits);
  const secondsPerStep = report.elapsedSeconds / Math.max(1, report.sessionSteps);
  const left = (report.totalSteps - report.step) * secondsPerStep;
  const success = metrics[M.eval.successRate];
  return [
    `step ${report.step}/${report.totalSteps}`,
    `reward ${number(M.reward.mean, 3)}`,
    `kl ${number(M.policyKl, 4)}`,
    `${number(M.perfEpisodesPerSecond, 1)} ep/s`,
    ...(success === undefined ? [] : [`eval success ${(success * 100).toFixed(1)}%`]),
    `eta ${formatDuration(left)}`,
  ].join('  ');
}

/**
 * The step a session will end at: `report.totalSteps`, or with a time budget of `seconds` (> 0) the
 * last step that fits at this session's pace, so the line's step count and eta follow the budget.
 */
export function budgetedTotalSteps(report: StepReport, seconds: number): number {
  if (!(seconds > 0)) return report.totalSteps;
  const secondsPerStep = report.elapsedSeconds / Math.max(1, report.sessionSteps);
  const fits = Math.max(0, Math.floor((seconds - report.elapsedSeconds) / Math.max(secondsPerStep, 1e-9)));
  return Math.min(report.totalSteps, report.step + fits);
}
