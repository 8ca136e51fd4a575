import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { escapeHtml } from './html-escape.js';
import { HOSTILE, SYNTHETIC_METRICS, writeSyntheticRun } from './test-support/synthetic-run.js';
import { REPORT_FILE, writeRunReport } from './write-run-report.js';

/** Every real tag of the page: content never holds a raw `<`, so each `<…>` is markup. */
function tags(html: string): string[] {
  return html.match(/<[^>]*>/g) ?? [];
}

async function report(runDir: string): Promise<string> {
  const written = await writeRunReport({ runDir, now: new Date('2025-01-02T03:04:05Z') });
  expect(written.path).toBe(join(runDir, REPORT_FILE));
  return readFile(written.path, 'utf8');
}

describe('writeRunReport', () => {
  it('writes report.html with reward, success-rate, KL and loss charts from metrics.jsonl', async () => {
    const runDir = await writeSyntheticRun();
    const written = await writeRunReport({ runDir });
    expect(written).toMatchObject({ charts: 5, evaluation: true, conversations: 2 });
    const html = await readFile(join(runDir, REPORT_FILE), 'utf8');
    expect(html.match(/<svg /g)).toHaveLength(5);
    for (const title of [
      'Training reward: mean and parts',
      'Held-out success rate',
      'Held-out reward: mean and parts',
      'KL divergence',
      'Loss',
    ]) {
      expect(html).toContain(`<title>${title}</title>`);
    }
    for (const series of [
      'reward/mean',
      'reward/task/mean',
      'reward/format/mean',
      'policy/kl',
      'loss/policy',
    ]) {
      expect(html).toContain(`>${series}</text>`);
    }
    // Training reward is logged at steps 1, 10, 20: three points on its line.
    const rewardChart = html.slice(html.indexOf('<title>Training reward'), html.indexOf('</svg>'));
    const firstLine = /<polyline[^>]*points="([^"]+)"/.exec(rewardChart);
    expect(firstLine?.[1].split(' ')).toHaveLength(3);
    expect(html).toContain('<dt>last step</dt><dd>20</dd>');
  });

  it('leaves out charts for metrics the run did not log', async () => {
    const runDir = await writeSyntheticRun({
      metrics: [
        { step: 1, 'reward/mean': 0.1 },
        { step: 2, 'reward/mean': 0.2 },
      ],
    });
    const written = await writeRunReport({ runDir });
    expect(written).toMatchObject({ charts: 1, evaluation: false });
    const html = await readFile(written.path, 'utf8');
    expect(html).not.toContain('KL divergence');
    expect(html).toContain('This run logged no evaluation.');
  });

  it('compares the first and last evaluation in metrics.jsonl', async () => {
    const html = await report(await writeSyntheticRun());
    const table = html.slice(html.indexOf('<table class="eval">'), html.indexOf('</table>'));
    expect(table).toContain('metrics.jsonl step 0');
    expect(table).toContain('metrics.jsonl step 20');
    expect(table).toMatch(
      /success_rate<\/td><td>25\.0%<\/td><td>75\.0%<\/td><td class="change up">\+50\.0 pp/,
    );
    expect(table).toMatch(/reward\/mean<\/td><td>0\.4<\/td><td>0\.8<\/td><td class="change up">\+0\.4/);
    expect(table).toMatch(/turns\/mean<\/td><td>5<\/td><td>4<\/td><td class="change same">−1/);
  });

  it('prefers eval-before.json and eval-after.json (eval results or a summary)', async () => {
    const runDir = await writeSyntheticRun();
    const evalResults = { command: 'eval', metrics: { 'eval/success_rate': 0.1, 'eval/pass^1': 0.1 } };
    const summary = {
      successRate: 0.9,
      passHatK: [0.9],
      meanReward: 0.95,
      meanParts: { task: 1 },
      meanTurns: 3,
    };
    await writeFile(join(runDir, 'eval-before.json'), JSON.stringify(evalResults));
    await writeFile(join(runDir, 'eval-after.json'), JSON.stringify({ summary }));
    const html = await report(runDir);
    const table = html.slice(html.indexOf('<table class="eval">'), html.indexOf('</table>'));
    expect(table).toContain('eval-before.json');
    expect(table).toContain('eval-after.json');
    expect(table).toMatch(
      /success_rate<\/td><td>10\.0%<\/td><td>90\.0%<\/td><td class="change up">\+80\.0 pp/,
    );
    expect(table).toMatch(/pass\^1<\/td><td>10\.0%<\/td><td>90\.0%/);
    expect(table).toMatch(/reward\/task\/mean<\/td><td>–<\/td><td>1<\/td><td>–/);
  });

  it("starts the success curve at eval-before.json's step when metrics.jsonl has no evaluation there", async () => {
    const runDir = await writeSyntheticRun({ metrics: SYNTHETIC_METRICS.slice(1) }); // evaluation at step 20 only
    await writeFile(
      join(runDir, 'eval-before.json'),
      JSON.stringify({ step: 0, metrics: { 'eval/success_rate': 0.1 } }),
    );
    const html = await report(runDir);
    const chart = html.slice(html.indexOf('<title>Held-out success rate'));
    const line = /<polyline[^>]*points="([^"]+)"/.exec(chart.slice(0, chart.indexOf('</svg>')));
    expect(line?.[1].split(' ')).toHaveLength(2);
    expect(html).toContain('eval-before.json, step 0');
    expect(html).toContain('metrics.jsonl step 20');
  });

  it('shows the latest samples with tool calls, tool results and per-turn rewards', async () => {
    const html = await report(await writeSyntheticRun());
    expect(html).toContain('From samples/step-20.jsonl');
    expect(html).not.toContain('from step ten');
    expect(html).toContain('highest reward in its group of 2: reward 1</h3>');
    expect(html).toContain('lowest reward in its group of 2: reward 0</h3>');
    expect(html).toContain('<span class="tag">tool call</span> <code>get_order_details</code>');
    expect(html).toContain('{&quot;order_id&quot;: &quot;#W0&quot;}');
    expect(html).toContain('<span class="tag">tool result</span> <code>get_order_details</code>');
    expect(html).toContain('turn reward 0.25');
    expect(html).toContain('turn reward 0.5');
    expect(html).toContain('<th>task</th><th>format</th>');
  });

  it('escapes conversation text and config values', async () => {
    const html = await report(await writeSyntheticRun());
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/<img/i);
    expect(html).toContain(escapeHtml(HOSTILE));
    // The hostile text appears in a user message, two tool results per conversation, and config.json.
    expect(html.split('&lt;script&gt;').length - 1).toBeGreaterThanOrEqual(4);
  });

  it('references nothing on the network: no src or href, no scripts, no remote styles', async () => {
    const html = await report(await writeSyntheticRun());
    for (const tag of tags(html)) {
      expect(tag).not.toMatch(/\s(src|href|xlink:href|action)\s*=/i);
      expect(tag).not.toMatch(/https?:/i);
    }
    expect(html).not.toMatch(/<script|<link|<iframe|@import|url\(/i);
    // The only http text is the escaped hostile text itself.
    expect(html.replaceAll(escapeHtml(HOSTILE), '').replaceAll('https://evil.example', '')).not.toMatch(
      /https?:\/\//,
    );
    expect(html).toContain("default-src 'none'");
  });

  it('tolerates a cut-off last metrics line, and names a malformed line', async () => {
    const runDir = await writeSyntheticRun();
    const lines = SYNTHETIC_METRICS.map((line) => JSON.stringify(line)).join('\n');
    await writeFile(join(runDir, 'metrics.jsonl'), `${lines}\n{"step": 21, "reward/me`);
    expect((await writeRunReport({ runDir })).charts).toBe(5);
    await writeFile(join(runDir, 'metrics.jsonl'), `${lines}\nnot json\n`);
    await expect(writeRunReport({ runDir })).rejects.toMatchObject({
      code: 'invalid_metrics',
      message: expect.stringMatching(/metrics\.jsonl:5: invalid JSON/),
    });
    await writeFile(join(runDir, 'metrics.jsonl'), '{"reward/mean": 1}\n');
    await expect(writeRunReport({ runDir })).rejects.toMatchObject({
      code: 'invalid_metrics',
      message: expect.stringMatching(/metrics\.jsonl:1: "step" is missing/),
    });
  });

  it('fails with a code for a missing run directory, metrics file, or a bad eval file', async () => {
    const parent = await mkdtemp(join(tmpdir(), 'run-report-missing-'));
    await expect(writeRunReport({ runDir: join(parent, 'nope') })).rejects.toMatchObject({
      code: 'run_not_found',
    });
    const noMetrics = await writeSyntheticRun({ metrics: null });
    await expect(writeRunReport({ runDir: noMetrics })).rejects.toMatchObject({
      code: 'run_metrics_missing',
      message: expect.stringContaining('metrics.jsonl'),
    });
    expect(existsSync(join(noMetrics, REPORT_FILE))).toBe(false);
    const badEval = await writeSyntheticRun();
    await writeFile(join(badEval, 'eval-after.json'), '{"tasks": []}');
    await expect(writeRunReport({ runDir: badEval })).rejects.toMatchObject({
      code: 'invalid_metrics',
      message: expect.stringContaining('eval-after.json: no evaluation metrics'),
    });
    await rm(parent, { recursive: true });
  });
});
