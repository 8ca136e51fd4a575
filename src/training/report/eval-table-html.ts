// The before/after evaluation table of the run report: rates as percentages with the change in
// percentage points, other metrics as numbers with their signed difference.

import { formatNumber } from './conversation-html.js';
import type { EvalComparison, EvalSnapshot } from './eval-comparison.js';
import { escapeHtml } from './html-escape.js';

/** The comparison as a `<table>`, or a sentence saying the run logged no evaluation. */
export function renderEvalTable(comparison: EvalComparison): string {
  const { before, after, rows } = comparison;
  if (rows.length === 0) return '<p class="note">This run logged no evaluation.</p>';
  const header = ['<th>metric</th>'];
  if (before !== undefined)
    header.push(`<th>before<br><span class="source">${sourceText(before)}</span></th>`);
  if (after !== undefined) header.push(`<th>after<br><span class="source">${sourceText(after)}</span></th>`);
  const both = before !== undefined && after !== undefined;
  if (both) header.push('<th>change</th>');
  const body = rows.map((row) => {
    const rate = isRate(row.name);
    const cells = [`<td class="metric">${escapeHtml(row.name.replace(/^eval\//, ''))}</td>`];
    if (before !== undefined) cells.push(`<td>${formatValue(row.before, rate)}</td>`);
    if (after !== undefined) cells.push(`<td>${formatValue(row.after, rate)}</td>`);
    if (both) cells.push(changeCell(row.before, row.after, rate, !row.name.startsWith('eval/turns')));
    return `<tr>${cells.join('')}</tr>`;
  });
  return `<table class="eval"><thead><tr>${header.join('')}</tr></thead><tbody>\n${body.join('\n')}\n</tbody></table>`;
}

/** Success rate and pass^k: fractions shown as percentages. */
function isRate(name: string): boolean {
  return name === 'eval/success_rate' || /^eval\/pass\^\d+$/.test(name);
}

/** Where an evaluation came from: `eval-after.json, step 40` or `metrics.jsonl step 40`. */
function sourceText(snapshot: EvalSnapshot): string {
  const { source, step } = snapshot;
  return escapeHtml(source.endsWith('.json') && step !== undefined ? `${source}, step ${step}` : source);
}

function formatValue(value: number | undefined, rate: boolean): string {
  if (value === undefined) return '–';
  return rate ? `${(value * 100).toFixed(1)}%` : formatNumber(value);
}

/** The signed change; `judged` colours a rise as better (not so for turns, where fewer may be better). */
function changeCell(
  before: number | undefined,
  after: number | undefined,
  rate: boolean,
  judged: boolean,
): string {
  if (before === undefined || after === undefined) return '<td>–</td>';
  const change = after - before;
  const direction = !judged || change === 0 ? 'same' : change > 0 ? 'up' : 'down';
  const sign = change > 0 ? '+' : change < 0 ? '−' : '±';
  const size = Math.abs(change);
  const text = rate ? `${sign}${(size * 100).toFixed(1)} pp` : `${sign}${formatNumber(size)}`;
  return `<td class="change ${direction}">${text}</td>`;
}
