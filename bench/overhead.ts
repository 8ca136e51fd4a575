// Framework overhead: the chat-completions HTTP benchmark against buildServer with the zero-cost
// scripted backend (a fixed reply returned at once: no model, so only the framework is timed), beside
// a bare Fastify route that returns the same JSON. Both servers run at once in their own processes and
// are measured in alternating batches, so drifts in the machine's load fall on both alike.
// Writes benchmark_results/overhead.json. Usage: npm run build && node dist/bench/overhead.js
//   [-- --requests 4000 --rounds 4 --concurrency 16]

import { randomBytes } from 'node:crypto';
import { BenchRun, writeBenchResult } from './support/bench-result.js';
import { driveChatCompletions } from './support/chat-completions-load.js';
import { readCliOptions } from './support/cli-options.js';
import { requestJson } from './support/http-client.js';
import { loadLine } from './support/machine.js';
import { BENCH_LIMITER } from './support/server-spec.js';
import { startServerProcess, type ServerProcess } from './support/server-process.js';
import { latencySummary, round } from './support/stats.js';
import { inLoopLine, markdownTable } from './support/table.js';

const REPLY = 'Your order #W2378156 is cancelled; the refund reaches your card in 5 to 7 business days.';

const options = readCliOptions();
const run = new BenchRun('overhead');
const requests = options.number('requests', 4000);
const rounds = options.number('rounds', 4);
const concurrency = options.number('concurrency', 16);
const apiKey = randomBytes(16).toString('hex');
const body = {
  model: 'zero-cost-scripted',
  messages: [{ role: 'user', content: 'Hi, I want to cancel order #W2378156, please.' }],
  max_tokens: 32,
  temperature: 0,
};

const framework = await startServerProcess({
  kind: 'zero-cost',
  reply: REPLY,
  apiKey,
  ...BENCH_LIMITER,
});
let bare: ServerProcess | undefined;
try {
  const sample = await requestJson({
    method: 'POST',
    url: `${framework.baseUrl}/v1/chat/completions`,
    apiKey,
    body,
  });
  if (sample.status !== 200)
    throw new Error(`zero-cost server answered ${sample.status}: ${JSON.stringify(sample.body)}`);
  bare = await startServerProcess({ kind: 'bare-fastify', body: sample.body });
  const servers = { framework: { server: framework, apiKey }, bare: { server: bare, apiKey: undefined } };
  type Name = keyof typeof servers;
  const collected = {
    sequential: { framework: [] as number[], bare: [] as number[] },
    concurrent: { framework: { requests: 0, seconds: 0 }, bare: { requests: 0, seconds: 0 } },
    errors: 0,
  };
  const batch = async (name: Name, clients: number) => {
    const { server, apiKey: key } = servers[name];
    const load = await driveChatCompletions({
      baseUrl: server.baseUrl,
      ...(key === undefined ? {} : { apiKey: key }),
      body,
      requests: Math.ceil(requests / rounds),
      warmup: 20,
      concurrency: clients,
    });
    collected.errors += load.errors.total;
    if (load.errors.total > 0) console.error(`${name}: ${load.errors.examples.join('\n')}`);
    return load;
  };
  for (let round = 0; round < rounds; round++) {
    for (const name of ['bare', 'framework'] as const) {
      collected.sequential[name].push(...(await batch(name, 1)).latenciesMs);
      const load = await batch(name, concurrency);
      collected.concurrent[name].requests += load.latenciesMs.length;
      collected.concurrent[name].seconds += load.seconds;
    }
  }
  const latency = {
    framework: latencySummary(collected.sequential.framework),
    bare: latencySummary(collected.sequential.bare),
  };
  const rps = (name: Name) => collected.concurrent[name].requests / collected.concurrent[name].seconds;
  const inLoop = {
    backend: 'zero-cost scripted ChatBackend (fixed reply, no model): overhead measurement only',
    framework:
      'buildServer: API-key auth, guarded JSON, request validation, resilience layer, metrics, OpenAI response',
    baseline: 'bare Fastify route returning the same JSON (default JSON parser, no logging)',
    request: 'one user message, max_tokens 32; the reply is fixed',
    concurrency: `1 (latency) and ${concurrency} (requests/s)`,
    requests: `${requests} per server and concurrency, in ${rounds} alternating batches`,
    http: 'real HTTP on a loopback port, each server in its own process',
  };
  const result = run.finish({
    description: 'Per-request cost of the serving framework relative to a bare Fastify route.',
    inLoop,
    metrics: {
      'overhead/framework_p50_ms': latency.framework.p50,
      'overhead/bare_p50_ms': latency.bare.p50,
      'overhead/latency_ratio_p50': round(latency.framework.p50 / latency.bare.p50, 3),
      'overhead/framework_requests_per_s': round(rps('framework'), 1),
      'overhead/bare_requests_per_s': round(rps('bare'), 1),
      'overhead/throughput_ratio': round(rps('bare') / rps('framework'), 3),
      'overhead/errors': collected.errors,
    },
    details: { latency },
  });
  await writeBenchResult(result);
  console.log(`framework overhead: ${inLoopLine(inLoop)}\n${loadLine(result.machine)}`);
  console.log(
    markdownTable(
      ['server', 'p50 ms', 'p95 ms', 'p99 ms', `requests/s at ${concurrency}`],
      (['framework', 'bare'] as const).map((name) => [
        name === 'framework' ? 'buildServer + zero-cost backend' : 'bare Fastify route',
        latency[name].p50,
        latency[name].p95,
        latency[name].p99,
        round(rps(name), 1),
      ]),
    ),
  );
  console.log(
    `overhead ratio: ${result.metrics['overhead/latency_ratio_p50']}× the bare route's p50 latency, ` +
      `${result.metrics['overhead/throughput_ratio']}× fewer requests/s`,
  );
  if (collected.errors > 0) throw new Error(`${collected.errors} requests failed`);
} finally {
  await bare?.stop();
  await framework.stop();
}
