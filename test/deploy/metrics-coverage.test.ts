// Every metric the Grafana dashboard and the Prometheus alert rules use is one a real server
// exports: buildServer with its real metrics serves a few requests, then GET /metrics is read.
// Label names are checked too, as Prometheus stores them (with the scrape target's `job` and
// `instance` added; a metric's own label of either name would become `exported_<name>`).

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { METRIC } from '../../src/serving/metric-names.js';
import type { StatesetServer } from '../../src/serving/server-options.js';
import { readExportedMetrics, type ExportedMetrics } from './exported-metrics.js';
import { coverageProblems, type SourcedExpr } from './metric-coverage.js';
import { exprsIn, promqlNames } from './promql-names.js';
import { buildProbeServer } from './server-probe.js';

type Panel = { readonly title: string; readonly targets?: readonly { expr: string }[] };
type Rule = { readonly alert: string; readonly expr: string; readonly for?: string };

const deploy = join(process.cwd(), 'deploy');
const dashboard = JSON.parse(
  readFileSync(join(deploy, 'grafana', 'dashboards', 'stateset-agents.json'), 'utf8'),
) as {
  panels: Panel[];
};
const rules = (
  parse(readFileSync(join(deploy, 'prometheus', 'alerts.yml'), 'utf8')) as { groups: { rules: Rule[] }[] }
).groups.flatMap((group) => group.rules);

const panelExprs: SourcedExpr[] = dashboard.panels.flatMap((panel) =>
  exprsIn(panel).map((expr) => ({ where: `panel "${panel.title}"`, expr })),
);
const alertExprs: SourcedExpr[] = rules.map((rule) => ({ where: `alert ${rule.alert}`, expr: rule.expr }));

let server: StatesetServer;
let metrics: ExportedMetrics;

beforeAll(async () => {
  server = await buildProbeServer();
  const chat = { model: 'echo', messages: [{ role: 'user', content: 'where is my order?' }] };
  expect(
    (await server.app.inject({ method: 'POST', url: '/v1/chat/completions', payload: chat })).statusCode,
  ).toBe(200);
  expect((await server.app.inject({ url: '/v1/nothing-here' })).statusCode).toBe(404);
  const response = await server.app.inject({ url: '/metrics' });
  expect(response.statusCode).toBe(200);
  metrics = readExportedMetrics(response.body, server.deps.metrics.registry);
});

afterAll(async () => {
  await server.app.close();
});

describe('reading PromQL', () => {
  it('finds selectors with their matcher labels, bare names and grouping labels, not functions or durations', () => {
    const names = promqlNames(
      'histogram_quantile(0.95, sum by (le, route) (rate(a_bucket{route!~"/healthz|x", status="5.."}[$__rate_interval]))) ' +
        '/ on (instance) group_left b offset 5m > bool 2 unless absent(c{job="x"})',
    );
    expect(names.selectors).toEqual([
      { name: 'a_bucket', labels: ['route', 'status'] },
      { name: 'c', labels: ['job'] },
      { name: 'b', labels: [] },
    ]);
    expect(names.groupingLabels).toEqual(['le', 'route', 'instance']);
  });
});

describe('the server exports', () => {
  it('every metric of METRIC, histograms with buckets, the labelled ones with the labels they are declared with', () => {
    const families = new Set([...metrics.values()].map((metric) => metric.family));
    for (const name of Object.values(METRIC)) expect(families, name).toContain(name);
    expect(metrics.has(`${METRIC.httpDuration}_bucket`)).toBe(true);
    expect(metrics.get(METRIC.httpRequests)!.labels).toEqual(
      new Set(['method', 'route', 'status', 'job', 'instance']),
    );
    expect(metrics.get(METRIC.trainingStep)!.labels).toEqual(new Set(['job_id', 'job', 'instance']));
  });
});

describe('the Grafana dashboard', () => {
  it('has the panels operators need', () => {
    const titles = dashboard.panels.map((panel) => panel.title.toLowerCase()).join(' | ');
    for (const topic of [
      'requests',
      'latency',
      'error rate',
      'active conversations',
      'circuit breaker',
      'tokens',
      'rejections',
      'training reward',
      'training loss',
      'training jobs',
    ]) {
      expect(titles, topic).toContain(topic);
    }
  });

  it('uses only metrics and labels the server exports', () => {
    expect(panelExprs.length).toBeGreaterThanOrEqual(dashboard.panels.length);
    expect(coverageProblems(panelExprs, metrics)).toEqual([]);
  });

  it('shows every metric the server defines', () => {
    const used = new Set(
      panelExprs.flatMap(({ expr }) =>
        promqlNames(expr).selectors.map((selector) => metrics.get(selector.name)?.family),
      ),
    );
    expect(Object.values(METRIC).filter((name) => !used.has(name))).toEqual([]);
  });

  it('takes percentiles from the real histogram buckets, grouped by le', () => {
    const quantiles = panelExprs.filter(({ expr }) => expr.includes('histogram_quantile'));
    expect(quantiles.length).toBeGreaterThanOrEqual(3);
    for (const { where, expr } of quantiles) {
      const names = promqlNames(expr);
      expect(
        names.selectors.every(
          (selector) => metrics.get(selector.name)?.type === 'histogram' && selector.name.endsWith('_bucket'),
        ),
        where,
      ).toBe(true);
      expect(names.groupingLabels, where).toContain('le');
    }
  });
});

describe('the Prometheus alert rules', () => {
  it('cover server down, error rate, p95 latency, an open breaker and stalled training', () => {
    expect(rules.map((rule) => rule.alert)).toEqual(
      expect.arrayContaining([
        'StatesetServerDown',
        'StatesetHighErrorRate',
        'StatesetHighLatencyP95',
        'StatesetCircuitBreakerOpen',
        'StatesetTrainingStalled',
      ]),
    );
    for (const rule of rules) expect(rule.for, rule.alert).toMatch(/^\d+[smh]$/);
  });

  it('use only metrics and labels the server exports', () => {
    expect(coverageProblems(alertExprs, metrics)).toEqual([]);
  });
});

describe('the coverage check', () => {
  it('reports a metric the server does not export, a label it lacks, and a grouping label no series has', () => {
    const broken: SourcedExpr[] = [
      { where: 'renamed', expr: 'sum(rate(stateset_http_requests[5m]))' },
      { where: 'label', expr: 'max by (job_id) (stateset_training_step{run="train-1"})' },
      { where: 'grouping', expr: 'sum by (path) (rate(stateset_http_requests_total[5m]))' },
      {
        where: 'bucket',
        expr: 'histogram_quantile(0.9, sum by (le) (rate(stateset_active_conversations_bucket[5m])))',
      },
    ];
    expect(coverageProblems(broken, metrics)).toEqual([
      'renamed: stateset_http_requests is not exported by the server',
      'label: stateset_training_step has no label "run"',
      'grouping: no series of the expression has the label "path"',
      'bucket: stateset_active_conversations_bucket is not exported by the server',
      'bucket: no series of the expression has the label "le"',
    ]);
  });
});
