// The run report's HTML page: one self-contained file (inline CSS and SVG, no scripts, no fonts, no
// network), with a Content-Security-Policy that forbids loading anything even if escaping failed.

import { renderConversation } from './conversation-html.js';
import type { EvalComparison } from './eval-comparison.js';
import { renderEvalTable } from './eval-table-html.js';
import { escapeHtml } from './html-escape.js';
import type { PickedConversation } from './sample-conversations.js';

/** Everything the page shows. */
export type ReportPageContent = {
  /** The run directory's name. */
  readonly runName: string;
  readonly generatedAt: Date;
  /** Facts shown under the title: `[label, value]`. */
  readonly facts: readonly (readonly [string, string])[];
  /** Rendered `<svg>` charts. */
  readonly charts: readonly string[];
  readonly comparison: EvalComparison;
  /** The samples section: the file it came from, and the picked conversations. */
  readonly samples?: { readonly file: string; readonly conversations: readonly PickedConversation[] };
  /** The resolved configuration (config.json), shown folded. */
  readonly config?: unknown;
};

const CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:";

const STYLE = `
:root { color-scheme: light; }
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif;
  margin: 0 auto; max-width: 1340px; padding: 24px; color: #1b1f24; background: #fafafa; line-height: 1.45; }
h1 { font-size: 24px; margin: 0 0 4px; } h2 { font-size: 19px; margin: 32px 0 10px; border-bottom: 1px solid #ddd; }
h3 { font-size: 15px; margin: 0 0 4px; }
.facts, .note, .source { color: #57606a; font-size: 13px; }
dl.facts { display: flex; flex-wrap: wrap; gap: 4px 20px; margin: 8px 0; }
dl.facts dt { font-weight: 600; } dl.facts dd { margin: 0 0 0 4px; }
.charts { display: flex; flex-wrap: wrap; gap: 16px; }
svg.chart { background: #fff; border: 1px solid #ddd; border-radius: 6px; }
svg .chart-title { font-size: 14px; font-weight: 600; fill: #1b1f24; }
svg .tick, svg .legend, svg .axis-label { font-size: 12px; fill: #57606a; }
svg .grid { stroke: #eee; } svg .axis { stroke: #888; }
table { border-collapse: collapse; background: #fff; }
table.eval td, table.eval th { border: 1px solid #ddd; padding: 4px 12px; text-align: right; font-size: 14px; }
table.eval td.metric { text-align: left; font-family: ui-monospace, Menlo, Consolas, monospace; }
td.change.up { color: #1a7f37; font-weight: 600; } td.change.down { color: #cf222e; font-weight: 600; }
.conversations { display: grid; grid-template-columns: repeat(auto-fill, minmax(560px, 1fr)); gap: 16px; }
article.conversation { background: #fff; border: 1px solid #ddd; border-radius: 6px; padding: 12px; }
table.parts td, table.parts th { border: 1px solid #ddd; padding: 2px 8px; font-size: 12px; }
.msg { margin: 8px 0; padding: 6px 10px; border-radius: 6px; border-left: 4px solid #ccc; }
.msg .role { font-size: 12px; font-weight: 600; color: #57606a; }
.msg.user { background: #f1f5fb; border-color: #0072B2; }
.msg.assistant { background: #f3faf5; border-color: #009E73; }
.msg.system { background: #f6f6f6; font-size: 13px; }
.msg.tool { background: #fff8ec; border-color: #E69F00; }
.msg.tool.error { background: #fdf0f0; border-color: #cf222e; }
.tool-call { margin-top: 6px; padding: 4px 8px; background: #fff8ec; border: 1px dashed #E69F00; border-radius: 4px; }
.tag { display: inline-block; font-size: 11px; text-transform: uppercase; letter-spacing: .04em;
  background: #E69F00; color: #fff; border-radius: 3px; padding: 0 5px; }
.msg.tool.error .tag { background: #cf222e; }
.turn-reward { font-weight: 400; background: #009E73; color: #fff; border-radius: 3px; padding: 0 5px; margin-left: 6px; }
.call-id { color: #8c959f; font-size: 11px; }
pre { white-space: pre-wrap; word-break: break-word; margin: 4px 0; font-size: 13px; max-height: 320px; overflow: auto;
  font-family: ui-monospace, Menlo, Consolas, monospace; }
`;

/** The whole page; every piece of text from the run is escaped. */
export function renderReportPage(content: ReportPageContent): string {
  const sections = [
    `<h1>Training run ${escapeHtml(content.runName)}</h1>`,
    `<p class="facts">Report written ${escapeHtml(content.generatedAt.toISOString())}.</p>`,
    content.facts.length === 0
      ? ''
      : `<dl class="facts">${content.facts
          .map(([label, value]) => `<div><dt>${escapeHtml(label)}</dt><dd>${escapeHtml(value)}</dd></div>`)
          .join('')}</dl>`,
    '<h2 id="curves">Curves</h2>',
    content.charts.length === 0
      ? '<p class="note">No charted metrics in metrics.jsonl yet.</p>'
      : `<div class="charts">\n${content.charts.join('\n')}\n</div>`,
    '<h2 id="evaluation">Evaluation before and after</h2>',
    renderEvalTable(content.comparison),
    '<h2 id="samples">Sample conversations</h2>',
    samplesSection(content.samples),
    content.config === undefined
      ? ''
      : `<h2 id="configuration">Configuration</h2><details><summary>config.json</summary><pre>${escapeHtml(
          JSON.stringify(content.config, null, 2),
        )}</pre></details>`,
  ];
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${CSP}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(`${content.runName}: training report`)}</title>`,
    `<style>${STYLE}</style>`,
    '</head>',
    '<body>',
    ...sections.filter((section) => section !== ''),
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

function samplesSection(samples: ReportPageContent['samples']): string {
  if (samples === undefined || samples.conversations.length === 0) {
    return '<p class="note">This run has no sample trajectories yet (samples/step-N.jsonl).</p>';
  }
  return (
    `<p class="note">From ${escapeHtml(samples.file)}: from each of the first groups, the highest- and ` +
    'lowest-reward trajectory.</p>\n' +
    `<div class="conversations">\n${samples.conversations
      .map((picked) => renderConversation(picked.trajectory, picked.label))
      .join('\n')}\n</div>`
  );
}
