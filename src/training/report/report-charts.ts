// Which curves the run report draws, chosen by metric name (STYLE.md's slash names). A chart whose
// metrics a run did not log is left out, so the report works for SFT-only and RL runs alike.

import { EVAL_METRICS } from '../../evaluation/evaluation-summary.js';
import { REWARD_METRICS } from '../../rewards/reward-metrics.js';
import { TRAINING_METRICS } from '../metric-names.js';
import { metricNames, metricPoints, type MetricsRow } from './run-metrics.js';
import { renderLineChart, type ChartSeries } from './svg-line-chart.js';

/** One chart of the report: which metrics it plots, in which order. */
export type ReportChartSpec = {
  readonly title: string;
  readonly yLabel: string;
  /** A fixed y range (rates). */
  readonly yDomain?: readonly [number, number];
  /** The metrics to draw, out of the names the run logged. */
  select(names: readonly string[]): string[];
};

const PART_MEAN = /^reward\/[^/]+\/mean$/;
const EVAL_PART_MEAN = /^eval\/reward\/[^/]+\/mean$/;

/** The report's charts, in page order. */
export const REPORT_CHARTS: readonly ReportChartSpec[] = [
  {
    title: 'Training reward: mean and parts',
    yLabel: 'reward',
    select: (names) => [
      ...names.filter((name) => name === REWARD_METRICS.mean),
      ...names.filter((name) => PART_MEAN.test(name)),
    ],
  },
  {
    title: 'Held-out success rate',
    yLabel: 'success rate',
    yDomain: [0, 1],
    select: (names) =>
      // pass^1 is the success rate itself, so only pass^k for k ≥ 2 is drawn beside it.
      names
        .filter((name) => name === EVAL_METRICS.successRate || /^eval\/pass\^([2-9]|\d\d+)$/.test(name))
        .sort(evalOrder),
  },
  {
    title: 'Held-out reward: mean and parts',
    yLabel: 'reward',
    select: (names) => [
      ...names.filter((name) => name === EVAL_METRICS.rewardMean),
      ...names.filter((name) => EVAL_PART_MEAN.test(name)),
    ],
  },
  {
    title: 'KL divergence',
    yLabel: 'nats per token',
    select: (names) =>
      names.filter(
        (name) => name === TRAINING_METRICS.policyKl || name.startsWith(`${TRAINING_METRICS.policyKl}_`),
      ),
  },
  {
    title: 'Loss',
    yLabel: 'loss',
    select: (names) => names.filter((name) => name.startsWith('loss/')),
  },
  {
    title: 'Clip fraction and entropy',
    yLabel: 'value',
    select: (names) =>
      names.filter(
        (name) => name === TRAINING_METRICS.policyClipFraction || name === TRAINING_METRICS.policyEntropy,
      ),
  },
];

/** `eval/success_rate` first, then pass^2, pass^3, … */
function evalOrder(a: string, b: string): number {
  const rank = (name: string) =>
    name === EVAL_METRICS.successRate ? 0 : Number(name.slice('eval/pass^'.length));
  return rank(a) - rank(b);
}

/** The series of each chart that has data, drawn; charts without any logged metric are omitted. */
export function renderReportCharts(
  rows: readonly MetricsRow[],
  specs: readonly ReportChartSpec[] = REPORT_CHARTS,
): string[] {
  const names = metricNames(rows);
  const charts: string[] = [];
  for (const spec of specs) {
    const series: ChartSeries[] = spec
      .select(names)
      .map((name) => ({ name, points: metricPoints(rows, name) }))
      .filter((candidate) => candidate.points.length > 0);
    if (series.length === 0) continue;
    charts.push(renderLineChart({ title: spec.title, yLabel: spec.yLabel, yDomain: spec.yDomain, series }));
  }
  return charts;
}
