// Holds PromQL expressions (dashboard panels, alert rules) to the metrics a server exports: every
// series name exists, every label a matcher tests is one the series carries, and every grouping
// label is carried by a series of the same expression.

import { labelsOf, type ExportedMetrics } from './exported-metrics.js';
import { promqlNames } from './promql-names.js';

/** An expression and where it comes from (a panel title, an alert name). */
export type SourcedExpr = { readonly where: string; readonly expr: string };

/** The problems of every expression, one sentence each; empty when all refer to exported metrics. */
export function coverageProblems(exprs: readonly SourcedExpr[], metrics: ExportedMetrics): string[] {
  const problems: string[] = [];
  for (const { where, expr } of exprs) {
    const { selectors, groupingLabels } = promqlNames(expr);
    if (selectors.length === 0) problems.push(`${where}: the expression uses no metric`);
    const available = new Set<string>();
    for (const { name, labels } of selectors) {
      if (!metrics.has(name)) {
        problems.push(`${where}: ${name} is not exported by the server`);
        continue;
      }
      const carried = labelsOf(metrics, name);
      for (const label of carried) available.add(label);
      for (const label of labels) {
        if (!carried.has(label)) problems.push(`${where}: ${name} has no label "${label}"`);
      }
    }
    for (const label of groupingLabels) {
      if (!available.has(label))
        problems.push(`${where}: no series of the expression has the label "${label}"`);
    }
  }
  return problems;
}
