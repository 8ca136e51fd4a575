// Response time of POST /v1/chat/completions with a real trained checkpoint: buildServer over
// LocalChatBackend in its own process on a loopback port, one client sending real HTTP requests with
// a fixed max_tokens, greedy. Writes benchmark_results/http-latency.json.
// Usage: npm run build && node dist/bench/http-latency.js [-- --checkpoint FILE --requests 100
//   --max-tokens 32 --concurrency 1]

import { randomBytes } from 'node:crypto';
import { BenchRun, writeBenchResult } from './support/bench-result.js';
import { benchCheckpoint, modelLine } from './support/bench-checkpoint.js';
import { driveChatCompletions } from './support/chat-completions-load.js';
import { readCliOptions } from './support/cli-options.js';
import { temporaryDir } from './support/temporary-dir.js';
import { loadLine } from './support/machine.js';
import { BENCH_LIMITER } from './support/server-spec.js';
import { startServerProcess } from './support/server-process.js';
import { latencySummary, mean, round } from './support/stats.js';
import { inLoopLine, markdownTable } from './support/table.js';

const options = readCliOptions();
const run = new BenchRun('http-latency');
const requests = options.number('requests', 100);
const maxTokens = options.number('max-tokens', 32);
const concurrency = options.number('concurrency', 1);
const checkpoint = await benchCheckpoint(options);
const apiKey = randomBytes(16).toString('hex');
const server = await startServerProcess({
  kind: 'checkpoint',
  checkpoint: checkpoint.path,
  store: 'memory',
  trajectoriesDir: temporaryDir('bench-trajectories-'),
  apiKey,
  ...BENCH_LIMITER,
});
const body = {
  model: 'stateset-local',
  messages: [{ role: 'user', content: 'Hi, I want to cancel order #W2378156, please.' }],
  max_tokens: maxTokens,
  temperature: 0,
};
try {
  const load = await driveChatCompletions({
    baseUrl: server.baseUrl,
    apiKey,
    body,
    requests,
    warmup: 3,
    concurrency,
  });
  if (load.errors.total > 0)
    throw new Error(`errors: ${JSON.stringify(load.errors.counts)}\n${load.errors.examples.join('\n')}`);
  const latency = latencySummary(load.latenciesMs);
  const tokens = load.completionTokens;
  const inLoop = {
    model: modelLine(checkpoint),
    checkpoint: checkpoint.origin,
    backend: 'LocalChatBackend (embedded engine, batching sampler) in ResilientChatBackend',
    request: 'one user message, no tools, temperature 0',
    maxTokens,
    tokensPerReply: round(mean(tokens), 1),
    concurrency,
    http: 'real HTTP on a loopback port, server in its own process, API key checked, rate limit off',
  };
  const result = run.finish({
    description: 'Latency of POST /v1/chat/completions served by a trained checkpoint over real HTTP.',
    inLoop,
    metrics: {
      'http/p50_ms': latency.p50,
      'http/p95_ms': latency.p95,
      'http/p99_ms': latency.p99,
      'http/tokens_per_reply': round(mean(tokens), 2),
      'http/errors': load.errors.total,
    },
    details: { latency, requests, replyTokens: { min: Math.min(...tokens), max: Math.max(...tokens) } },
  });
  await writeBenchResult(result);
  console.log(`http latency: ${inLoopLine(inLoop)}\n${loadLine(result.machine)}`);
  console.log(
    markdownTable(
      ['requests', 'tokens/reply', 'p50 ms', 'p95 ms', 'p99 ms', 'errors'],
      [[latency.count, inLoop.tokensPerReply, latency.p50, latency.p95, latency.p99, load.errors.total]],
    ),
  );
} finally {
  await server.stop();
}
