// The quickstart's before/after table: one column per evaluation (SFT, SFT + GRPO, the teacher), one
// row per metric, as `eval` names them: success rate, pass^1, mean reward and its parts, mean turns.

import type { EvaluationSummary } from '../../evaluation/evaluation-summary.js';

/** One column of the table. */
export type ComparisonColumn = {
  readonly label: string;
  readonly summary: EvaluationSummary;
};

/** The table as text, a header line then one line per metric; columns are right-aligned. */
export function renderComparisonTable(columns: readonly ComparisonColumn[]): string {
  const parts = [...new Set(columns.flatMap((column) => Object.keys(column.summary.meanParts)))];
  const rows: [string, (summary: EvaluationSummary) => string][] = [
    ['success rate', (summary) => `${fixed(summary.successRate)} (${summary.successes}/${summary.episodes})`],
    ['pass^1', (summary) => fixed(summary.passHatK[0])],
    ['mean reward', (summary) => fixed(summary.meanReward)],
    ...parts.map((name): [string, (summary: EvaluationSummary) => string] => [
      `  ${name}`,
      (summary) => (summary.meanParts[name] === undefined ? '–' : fixed(summary.meanParts[name])),
    ]),
    ['mean turns', (summary) => summary.meanTurns.toFixed(2)],
  ];
  const cells = rows.map(([name, value]) => [name, ...columns.map((column) => value(column.summary))]);
  const header = ['', ...columns.map((column) => column.label)];
  const widths = header.map((text, index) => Math.max(text.length, ...cells.map((row) => row[index].length)));
  const line = (row: readonly string[]) =>
    row
      .map((text, index) => (index === 0 ? text.padEnd(widths[0]) : text.padStart(widths[index])))
      .join('  ')
      .trimEnd() + '\n';
  return [header, ...cells].map(line).join('');
}

function fixed(value: number | undefined): string {
  return value === undefined ? '–' : value.toFixed(3);
}

/** A fraction as a percentage: whole when it is one ("7%", not "7.0%" from 0.07's rounding error), else one decimal. */
export function formatPercent(fraction: number): string {
  const tenths = Math.round(fraction * 1000);
  return `${tenths % 10 === 0 ? tenths / 10 : (tenths / 10).toFixed(1)}%`;
}
