// Redis's own account of its memory: `used_memory` from INFO memory (bytes its allocator holds for data
// and overhead), read over a plain connection.

import { Redis } from 'ioredis';

/** `used_memory` of the Redis at `url`, in bytes. */
export async function redisUsedMemory(url: string): Promise<number> {
  const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await client.connect();
    const info = await client.info('memory');
    const line = info.split('\r\n').find((entry) => entry.startsWith('used_memory:'));
    if (line === undefined) throw new Error(`no used_memory in INFO memory:\n${info}`);
    return Number(line.slice('used_memory:'.length));
  } finally {
    client.disconnect();
  }
}
