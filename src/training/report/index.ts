// The run report's public API: write a run folder's report.html, and the SVG chart it draws with.

export {
  REPORT_FILE,
  writeRunReport,
  type RunReport,
  type WriteRunReportOptions,
} from './write-run-report.js';
export {
  renderLineChart,
  type ChartPoint,
  type ChartSeries,
  type LineChartOptions,
} from './svg-line-chart.js';
export { parseMetricsJsonl, type MetricsRow } from './run-metrics.js';
export { ReportError } from './report-error.js';
