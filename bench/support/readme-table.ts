// The README's Benchmarks table, written from the result JSON, so the numbers there are the numbers
// the benchmarks wrote (a test compares the README with this).

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { BenchResult } from './bench-result.js';
import { BENCHMARKS } from './benchmarks.js';
import { markdownTable } from './table.js';

/** Markers around the generated table in README.md. */
export const README_MARKERS = {
  start: '<!-- bench:table:start -->',
  end: '<!-- bench:table:end -->',
} as const;

/** The result files the table reads, by benchmark name. */
export type BenchResults = Readonly<Record<string, BenchResult>>;

/** Reads the results the table needs from `dir`. */
export async function readBenchResults(dir: string): Promise<BenchResults> {
  const entries = await Promise.all(
    BENCHMARKS.map(({ result: name }) => name).map(async (name) => [
      name,
      JSON.parse(await readFile(join(dir, `${name}.json`), 'utf8')) as BenchResult,
    ]),
  );
  return Object.fromEntries(entries) as BenchResults;
}

/** The table (between the markers) and the line under it naming the machine and its load. */
export function benchmarksReadmeTable(results: BenchResults): string {
  const get = (bench: string, metric: string) => {
    const value = results[bench]?.metrics[metric];
    if (value === undefined) throw new Error(`${bench}.json has no metric ${metric}`);
    return value;
  };
  const inLoop = (bench: string, key: string) => String(results[bench]?.inLoop[key]);
  const http = (metric: string) => get('http-latency', metric);
  const levels = Object.keys(results['throughput-memory'].metrics)
    .map((metric) => /^throughput\/memory\/c(\d+)\/turns_per_s$/.exec(metric)?.[1])
    .filter((level): level is string => level !== undefined);
  /** One store's figures at `level`, or "not run" when that benchmark wrote none. */
  const rate = (store: 'memory' | 'redis', level: string) => {
    const metrics = results[`throughput-${store}`]?.metrics ?? {};
    const prefix = `throughput/${store}/c${level}`;
    if (metrics[`${prefix}/turns_per_s`] === undefined) return `${store}: not run`;
    return `${store}: ${metrics[`${prefix}/conversations_per_s`]} conversations/s, ${metrics[`${prefix}/turns_per_s`]} turns/s, ${metrics[`${prefix}/errors`]} errors`;
  };
  const rss = (store: 'memory' | 'redis') => {
    const metrics = results[`throughput-${store}`]?.metrics ?? {};
    const prefix = `throughput/${store}`;
    if (metrics[`${prefix}/server_rss_peak_mb`] === undefined) return `${store} store: not run`;
    return `${store} store: ${metrics[`${prefix}/server_rss_idle_mb`]} MB idle, ${metrics[`${prefix}/server_rss_peak_mb`]} MB peak`;
  };
  const rows: (string | number)[][] = [
    [
      'HTTP response time, `/v1/chat/completions`',
      `${inLoop('http-latency', 'model')}; ${http('http/tokens_per_reply')} tokens per reply (max_tokens ${inLoop('http-latency', 'maxTokens')}); 1 client; real HTTP`,
      `p50 ${http('http/p50_ms')} ms, p95 ${http('http/p95_ms')} ms, p99 ${http('http/p99_ms')} ms; ${http('http/errors')} errors`,
    ],
    ...levels.map((level) => [
      `Throughput, ${level} concurrent conversation${level === '1' ? '' : 's'}`,
      `same model; support-lite, ${inLoop('throughput-memory', 'userTurnsPerConversation')} user turns per conversation, max ${inLoop('throughput-memory', 'maxTokens')} tokens per reply; memory or Redis conversation store, JSONL capture`,
      `${rate('memory', level)}; ${rate('redis', level)}`,
    ]),
    [
      'Memory per stored conversation',
      `support-lite conversations of ${inLoop('memory', 'messagesPerConversation')} messages with token records (${get('memory', 'memory/conversation_json_bytes')} bytes of JSON)`,
      `memory store ${get('memory', 'memory/memory_store_bytes_per_conversation')} B (heap); Redis ${results.memory.metrics['memory/redis_bytes_per_conversation'] ?? 'not run'} B (used_memory)`,
    ],
    [
      'Server resident memory',
      'the throughput runs’ server processes, idle and at peak under load',
      `${rss('memory')}; ${rss('redis')}`,
    ],
    [
      'GRPO training speed, support-lite',
      `same model, warm-started; ${inLoop('training-speed', 'perStep')}`,
      `${get('training-speed', 'training/step_seconds')} s/step, ${get('training-speed', 'training/episodes_per_second')} episodes/s, ${get('training-speed', 'training/rollout_tokens_per_second')} sampled tokens/s, ${get('training-speed', 'training/update_tokens_per_second')} update tokens/s`,
    ],
    [
      'Engine (bench/engine.ts)',
      inLoop('engine', 'model'),
      `train step ${get('engine', 'engine/train_step_seconds')} s (${get('engine', 'engine/train_step_gflops')} GFLOP/s), generation ${get('engine', 'engine/generate_tokens_per_second')} tokens/s; PyTorch reference ${inLoop('engine', 'pytorchReference')}`,
    ],
    [
      'Framework overhead (zero-cost scripted backend, overhead only)',
      'buildServer vs a bare Fastify route returning the same JSON; real HTTP',
      `p50 ${get('overhead', 'overhead/framework_p50_ms')} ms vs ${get('overhead', 'overhead/bare_p50_ms')} ms (${get('overhead', 'overhead/latency_ratio_p50')}×); ${get('overhead', 'overhead/framework_requests_per_s')} vs ${get('overhead', 'overhead/bare_requests_per_s')} requests/s (${get('overhead', 'overhead/throughput_ratio')}×)`,
    ],
  ];
  const machine = results['http-latency'].machine;
  const loads = Object.values(results).map((result) => result.machine.loadAverage[0]);
  return [
    markdownTable(['benchmark', 'in the loop', 'result'], rows),
    '',
    `Measured by \`npm run bench\` on ${machine.cores} cores (${machine.cpu}), Node ${machine.node}, ` +
      `1-minute load average ${Math.min(...loads)}–${Math.max(...loads)} while the benchmarks ran (a shared machine).`,
  ].join('\n');
}

/**
 * `markdown` reduced to what it says: blank lines dropped, table cells trimmed and separator rows
 * shortened, so that a table Prettier has padded equals the one generated.
 */
export function normaliseMarkdown(markdown: string): string {
  return markdown
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .map((line) => {
      if (!line.startsWith('|')) return line.replace(/\s+/g, ' ');
      const cells = line
        .slice(1, -1)
        .split('|')
        .map((cell) => cell.trim());
      return cells.every((cell) => /^:?-+:?$/.test(cell))
        ? cells.map(() => '---').join('|')
        : cells.join('|');
    })
    .join('\n');
}

/** The text between the README markers, trimmed; undefined when the markers are missing. */
export function readmeTableSection(readme: string): string | undefined {
  const start = readme.indexOf(README_MARKERS.start);
  const end = readme.indexOf(README_MARKERS.end);
  if (start < 0 || end < start) return undefined;
  return readme.slice(start + README_MARKERS.start.length, end).trim();
}
