// Conversations and turns per second through the conversation routes at 1, 10 and 100 concurrent
// conversations, served by a trained checkpoint with a real conversation store (memory or Redis) and
// the JSONL capture store; error counts must be zero. Also the server's resident memory under load.
// Writes benchmark_results/throughput-<store>.json.
// Usage: npm run build && node dist/bench/throughput.js [-- --checkpoint FILE --levels 1,10,100
//   --store memory|redis --environment support-lite --max-tokens 24 --turns 2 --waves 2]

import { randomBytes } from 'node:crypto';
import { RedisTestServer } from '../src/serving/stores/test-support/redis-server.js';
import { BenchRun, writeBenchResult } from './support/bench-result.js';
import { benchCheckpoint, modelLine } from './support/bench-checkpoint.js';
import { readCliOptions } from './support/cli-options.js';
import { temporaryDir } from './support/temporary-dir.js';
import { driveConversations } from './support/conversation-load.js';
import { loadLine } from './support/machine.js';
import { BENCH_LIMITER } from './support/server-spec.js';
import { startServerProcess, type ServerProcess } from './support/server-process.js';
import { quantile, round } from './support/stats.js';
import { inLoopLine, markdownTable } from './support/table.js';

const USER_MESSAGES = [
  'Hi, I would like to cancel my order #W2378156.',
  'Yes, please go ahead, it was ordered by mistake.',
  'Thanks. Can you tell me when the refund arrives?',
];
/** How often the server's resident memory is sampled while under load. */
const MEMORY_SAMPLE_MS = 250;
/** Fewest conversations measured at a level, so one slow conversation does not decide it. */
const MIN_CONVERSATIONS = 20;

const options = readCliOptions();
const levels = options.string('levels', '1,10,100').split(',').map(Number);
const store = options.string('store', 'memory') === 'redis' ? 'redis' : 'memory';
const run = new BenchRun(`throughput-${store}`);
const environment = options.string('environment', 'support-lite');
const maxTokens = options.number('max-tokens', 24);
// Each client runs `waves` conversations back to back, so most of the time is spent at full concurrency.
const waves = options.number('waves', 2);
const turns = options.number('turns', 2);
const maxConcurrent = options.number('max-concurrent', BENCH_LIMITER.maxConcurrent);
const maxQueue = options.number('max-queue', BENCH_LIMITER.maxQueue);
const checkpoint = await benchCheckpoint(options);
const redis = store === 'redis' ? await launchRedis() : undefined;
const apiKey = randomBytes(16).toString('hex');
const server = await startServerProcess({
  kind: 'checkpoint',
  checkpoint: checkpoint.path,
  store,
  ...(redis === undefined ? {} : { redisUrl: redis.url }),
  trajectoriesDir: temporaryDir('bench-trajectories-'),
  apiKey,
  maxConcurrent,
  maxQueue,
});

/** A real redis-server; when none can start, the result says so (no metrics) and the process ends. */
async function launchRedis(): Promise<RedisTestServer> {
  try {
    return await RedisTestServer.launch();
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    const result = run.finish({
      description: 'Skipped: no redis-server could be started.',
      inLoop: { store: 'redis (not run)' },
      metrics: {},
      details: { skipped: reason },
    });
    await writeBenchResult(result);
    console.log(`throughput with Redis: skipped: ${reason}`);
    process.exit(0);
  }
}

/** Samples the server's memory until `stop` is called; resolves with the peak RSS and the last sample. */
function sampleMemory(target: ServerProcess) {
  let peakRss = 0;
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      peakRss = Math.max(peakRss, (await target.memory()).rss);
      await new Promise((resolve) => setTimeout(resolve, MEMORY_SAMPLE_MS));
    }
    return peakRss;
  })();
  return { stop: () => ((stopped = true), loop) };
}

try {
  const idle = await server.memory();
  await driveConversations({
    baseUrl: server.baseUrl,
    apiKey,
    environment,
    userMessages: USER_MESSAGES.slice(0, turns),
    maxTokens,
    conversations: 2,
    concurrency: 1,
  }); // warm-up: compiled graphs, connections
  const rows = [];
  let peakRss = idle.rss;
  for (const concurrency of levels) {
    const sampler = sampleMemory(server);
    const load = await driveConversations({
      baseUrl: server.baseUrl,
      apiKey,
      environment,
      userMessages: USER_MESSAGES.slice(0, turns),
      maxTokens,
      conversations: Math.max(concurrency * waves, MIN_CONVERSATIONS),
      concurrency,
    });
    peakRss = Math.max(peakRss, await sampler.stop());
    rows.push({
      concurrency,
      conversations: load.conversations,
      turns: load.turns,
      seconds: round(load.seconds, 2),
      conversationsPerSecond: round(load.conversations / load.seconds, 3),
      turnsPerSecond: round(load.turns / load.seconds, 3),
      turnP50Ms: round(quantile(load.turnLatenciesMs, 0.5), 1),
      turnP95Ms: round(quantile(load.turnLatenciesMs, 0.95), 1),
      modelCallsPerTurn: round(load.modelCalls / Math.max(load.turns, 1), 2),
      tokensPerModelCall: round(load.completionTokens / Math.max(load.modelCalls, 1), 1),
      errors: load.errors.total,
      errorKinds: load.errors.counts,
      errorExamples: load.errors.examples,
    });
  }
  const inLoop = {
    model: modelLine(checkpoint),
    checkpoint: checkpoint.origin,
    environment,
    store: `${store} conversation store, JSONL capture store`,
    userTurnsPerConversation: turns,
    conversationsPerLevel: `max(${waves} × concurrency, ${MIN_CONVERSATIONS})`,
    maxTokens,
    temperature: 0,
    limiter: `${maxConcurrent} backend calls in flight, ${maxQueue} queued`,
    concurrency: levels.join(', '),
    http: 'real HTTP on a loopback port, server in its own process, API key checked, rate limit off',
  };
  const prefix = `throughput/${store}`;
  const metrics: Record<string, number> = {
    [`${prefix}/server_rss_idle_mb`]: round(idle.rss / 2 ** 20, 1),
    [`${prefix}/server_rss_peak_mb`]: round(peakRss / 2 ** 20, 1),
  };
  for (const row of rows) {
    metrics[`${prefix}/c${row.concurrency}/conversations_per_s`] = row.conversationsPerSecond;
    metrics[`${prefix}/c${row.concurrency}/turns_per_s`] = row.turnsPerSecond;
    metrics[`${prefix}/c${row.concurrency}/errors`] = row.errors;
  }
  const result = run.finish({
    description: 'Whole conversations (create, turns, delete) through /v1/conversations at each concurrency.',
    inLoop,
    metrics,
    details: { rows, serverRssIdleBytes: idle.rss, serverRssPeakBytes: peakRss },
  });
  await writeBenchResult(result);
  console.log(`throughput: ${inLoopLine(inLoop)}\n${loadLine(result.machine)}`);
  console.log(
    markdownTable(
      [
        'concurrent',
        'conversations',
        'conv/s',
        'turns/s',
        'turn p50 ms',
        'turn p95 ms',
        'calls/turn',
        'tokens/call',
        'errors',
      ],
      rows.map((r) => [
        r.concurrency,
        r.conversations,
        r.conversationsPerSecond,
        r.turnsPerSecond,
        r.turnP50Ms,
        r.turnP95Ms,
        r.modelCallsPerTurn,
        r.tokensPerModelCall,
        r.errors,
      ]),
    ),
  );
  console.log(
    `server RSS: ${metrics[`${prefix}/server_rss_idle_mb`]} MB idle, ${metrics[`${prefix}/server_rss_peak_mb`]} MB peak under load`,
  );
  const failed = rows.filter((row) => row.errors > 0);
  if (failed.length > 0) {
    for (const row of failed)
      console.error(
        `${row.concurrency} concurrent: ${JSON.stringify(row.errorKinds)}\n${row.errorExamples.join('\n')}`,
      );
    process.exitCode = 1;
    console.error('throughput: FAILED, requests failed (see above); the errors are in the JSON too');
  }
} finally {
  await server.stop();
  await redis?.close();
}
