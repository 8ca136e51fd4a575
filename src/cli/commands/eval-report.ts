// What `eval` prints and writes: a table of the summary, and the JSON results file.

import type { EvaluationTask } from '../../evaluation/evaluate.js';
import { evaluationMetrics, type EvaluationSummary } from '../../evaluation/evaluation-summary.js';
import type { EvalConfig } from './eval-config.js';

/** Which run a report describes. */
export type EvalRunInfo = {
  readonly environment: string;
  readonly agent: string;
  /** The environment's split name (heldout resolves to test). */
  readonly split: string;
  readonly splitSize: number;
  readonly user: string;
  readonly seconds: number;
};

/** The summary as a two-column table, one metric a line; reward parts indented under the mean reward. */
export function renderEvalTable(summary: EvaluationSummary, run: EvalRunInfo): string {
  const rows: [string, string][] = [['tasks', `${summary.tasks} (of ${run.splitSize} in ${run.split})`]];
  rows.push(['trials', String(summary.trials)]);
  rows.push(['episodes', String(summary.episodes)]);
  rows.push(['success rate', `${fixed(summary.successRate)}  (${summary.successes}/${summary.episodes})`]);
  summary.passHatK.forEach((value, index) => rows.push([`pass^${index + 1}`, fixed(value)]));
  rows.push(['mean reward', fixed(summary.meanReward)]);
  for (const [name, value] of Object.entries(summary.meanParts)) rows.push([`  ${name}`, fixed(value)]);
  rows.push(['mean turns', summary.meanTurns.toFixed(2)]);
  const reasons = Object.entries(summary.stopReasons).sort(([, a], [, b]) => (b ?? 0) - (a ?? 0));
  rows.push(['stop reasons', reasons.map(([reason, count]) => `${reason} ${count}`).join(', ')]);
  rows.push(['time', `${run.seconds.toFixed(1)} s`]);
  const width = Math.max(...rows.map(([name]) => name.length));
  const header =
    `eval: ${run.environment}, agent ${run.agent}, split ${run.split}, user ${run.user}: ` +
    `${plural(summary.tasks, 'task')} × ${plural(summary.trials, 'trial')}\n`;
  return header + rows.map(([name, value]) => `${name.padEnd(width)}  ${value}\n`).join('');
}

/** The JSON results file: the configuration (keys masked), the run, the summary, metrics and every trial. */
export function evalResultsJson(options: {
  readonly config: EvalConfig;
  readonly run: EvalRunInfo;
  readonly summary: EvaluationSummary;
  readonly tasks: readonly EvaluationTask[];
}): string {
  const { config, run, summary, tasks } = options;
  const results = {
    command: 'eval',
    options: config,
    run,
    summary,
    metrics: evaluationMetrics(summary),
    tasks: tasks.map((task) => ({
      scenarioId: task.scenarioId,
      trials: task.trials.map((trial) => ({
        trial: trial.trial,
        seed: trial.seed,
        success: trial.success,
        reward: trial.reward,
        parts: trial.parts,
        turns: trial.turns,
        stopReason: trial.stopReason,
        trajectoryId: trial.trajectory.id,
      })),
    })),
  };
  return `${JSON.stringify(results, null, 2)}\n`;
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

function fixed(value: number): string {
  return value.toFixed(3);
}
