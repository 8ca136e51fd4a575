// Bytes per stored conversation: real conversations are made by a trained checkpoint over real HTTP,
// then many copies of them (fresh ids) are stored in the memory store, measuring V8 heap growth after
// garbage collection, and in a real Redis, measuring INFO used_memory growth.
// Writes benchmark_results/memory.json. Usage: npm run build && node dist/bench/memory.js
//   [-- --checkpoint FILE --conversations 2000 --samples 16 --no-redis]

import { randomBytes } from 'node:crypto';
import type { NewConversation, StoredConversation } from '../src/serving/conversation-store.js';
import { MemoryConversationStore } from '../src/serving/stores/memory-conversation-store.js';
import { RedisConversationStore } from '../src/serving/stores/redis-conversation-store.js';
import { conversationJson } from '../src/serving/stores/stored-conversation-copy.js';
import { RedisTestServer } from '../src/serving/stores/test-support/redis-server.js';
import { BenchRun, writeBenchResult } from './support/bench-result.js';
import { benchCheckpoint, modelLine } from './support/bench-checkpoint.js';
import { buildBenchServer } from './support/build-bench-server.js';
import { BENCH_LIMITER } from './support/server-spec.js';
import { readCliOptions } from './support/cli-options.js';
import { temporaryDir } from './support/temporary-dir.js';
import { driveConversations } from './support/conversation-load.js';
import { settledHeapUsed } from './support/heap.js';
import { loadLine } from './support/machine.js';
import { redisUsedMemory } from './support/redis-memory.js';
import { mean, round } from './support/stats.js';
import { inLoopLine, markdownTable } from './support/table.js';

/** Conversations written to Redis at once. */
const REDIS_WRITE_BATCH = 50;

const options = readCliOptions();
const run = new BenchRun('memory');
const count = options.number('conversations', 2000);
const checkpoint = await benchCheckpoint(options);
const samples = await sampleConversations(options.number('samples', 16));
const copy = (index: number): NewConversation => {
  const { version: _version, ...sample } = samples[index % samples.length];
  return { ...sample, id: `bench-${index}-${randomBytes(6).toString('hex')}` };
};

/** Conversations of two user turns on support-lite, made by the checkpoint through the HTTP API. */
async function sampleConversations(howMany: number): Promise<StoredConversation[]> {
  const store = new MemoryConversationStore();
  const apiKey = randomBytes(16).toString('hex');
  const server = await buildBenchServer(
    {
      kind: 'checkpoint',
      checkpoint: checkpoint.path,
      store: 'memory',
      trajectoriesDir: temporaryDir('bench-trajectories-'),
      apiKey,
      ...BENCH_LIMITER,
    },
    { conversations: store },
  );
  try {
    const baseUrl = await server.app.listen({ port: 0, host: '127.0.0.1' });
    const load = await driveConversations({
      baseUrl,
      apiKey,
      environment: 'support-lite',
      userMessages: ['Hi, I would like to cancel my order #W2378156.', 'Yes, please go ahead.'],
      maxTokens: 24,
      conversations: howMany,
      concurrency: 8,
      keep: true,
    });
    if (load.errors.total > 0)
      throw new Error(`sampling conversations failed: ${load.errors.examples.join('\n')}`);
    const stored = await Promise.all(load.keptIds.map((id) => store.get(id)));
    return stored.filter((conversation): conversation is StoredConversation => conversation !== undefined);
  } finally {
    await server.close();
    await store.close();
  }
}

/** Heap bytes the memory store retains per conversation, from `count` stored copies. */
async function memoryStoreBytes(): Promise<{ perConversation: number; freedPerConversation: number }> {
  const store = new MemoryConversationStore();
  const ids: string[] = [];
  const before = settledHeapUsed();
  for (let i = 0; i < count; i++) ids.push((await store.create(copy(i))).id);
  const filled = settledHeapUsed();
  for (const id of ids) await store.delete(id);
  const emptied = settledHeapUsed();
  await store.close();
  return { perConversation: (filled - before) / count, freedPerConversation: (filled - emptied) / count };
}

/** Redis used_memory per conversation from `count` stored copies; undefined when Redis cannot start. */
async function redisBytes(): Promise<{ perConversation: number } | { skipped: string }> {
  let redis: RedisTestServer;
  try {
    redis = await RedisTestServer.launch();
  } catch (error) {
    return { skipped: error instanceof Error ? error.message : String(error) };
  }
  const store = new RedisConversationStore({ url: redis.url, keyPrefix: 'bench:' });
  try {
    await store.ping();
    const before = await redisUsedMemory(redis.url);
    for (let i = 0; i < count; i += REDIS_WRITE_BATCH) {
      const batch = Array.from({ length: Math.min(REDIS_WRITE_BATCH, count - i) }, (_, j) => copy(i + j));
      await Promise.all(batch.map((conversation) => store.create(conversation)));
    }
    if ((await store.countActive()) !== count)
      throw new Error('Redis does not hold every conversation written');
    return { perConversation: ((await redisUsedMemory(redis.url)) - before) / count };
  } finally {
    await store.close();
    await redis.close();
  }
}

const jsonBytes = mean(samples.map((sample) => Buffer.byteLength(conversationJson(sample))));
const messages = mean(samples.map((sample) => sample.messages.length));
const memory = await memoryStoreBytes();
const redis = options.flag('no-redis') ? { skipped: '--no-redis' } : await redisBytes();
const inLoop = {
  model: modelLine(checkpoint),
  checkpoint: checkpoint.origin,
  conversations: `${samples.length} made over HTTP on support-lite (2 user turns, max 24 tokens per reply), stored ${count} times each store under fresh ids`,
  messagesPerConversation: round(messages, 1),
  tokenRecords: 'every assistant turn keeps its prompt and completion token ids and logprobs',
  stores:
    'MemoryConversationStore (V8 heap after GC); RedisConversationStore on a real redis-server (INFO used_memory)',
};
const metrics: Record<string, number> = {
  'memory/conversation_json_bytes': Math.round(jsonBytes),
  'memory/memory_store_bytes_per_conversation': Math.round(memory.perConversation),
};
if ('perConversation' in redis)
  metrics['memory/redis_bytes_per_conversation'] = Math.round(redis.perConversation);
const result = run.finish({
  description: 'Bytes each stored conversation costs the memory store (heap) and Redis (used_memory).',
  inLoop,
  metrics,
  details: {
    storedConversations: count,
    freedOnDeletePerConversation: Math.round(memory.freedPerConversation),
    ...('skipped' in redis ? { redisSkipped: redis.skipped } : {}),
  },
});
await writeBenchResult(result);
console.log(`memory: ${inLoopLine(inLoop)}\n${loadLine(result.machine)}`);
console.log(
  markdownTable(
    ['store', 'conversations', 'bytes/conversation', 'JSON bytes/conversation'],
    [
      [
        'memory (V8 heap)',
        count,
        metrics['memory/memory_store_bytes_per_conversation'],
        Math.round(jsonBytes),
      ],
      [
        'redis (used_memory)',
        count,
        'perConversation' in redis ? Math.round(redis.perConversation) : `skipped: ${redis.skipped}`,
        Math.round(jsonBytes),
      ],
    ],
  ),
);
