// Entry of a benchmark server process (forked by `startServerProcess`): builds the server it is sent,
// listens on a free loopback port, answers memory questions, and stops when told.

import type { FromServer, ToServer } from './server-spec.js';
import { buildBenchServer, type BenchServer } from './build-bench-server.js';

const send = (message: FromServer) => process.send?.(message);
let server: BenchServer | undefined;

process.on('message', (message: ToServer) => {
  void handle(message).catch((error: unknown) => {
    send({ type: 'failed', error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  });
});

async function handle(message: ToServer): Promise<void> {
  if (message.type === 'start') {
    server = await buildBenchServer(message.spec);
    await server.app.listen({ port: 0, host: '127.0.0.1' });
    const address = server.app.server.address();
    if (address === null || typeof address === 'string') throw new Error('the server has no TCP port');
    send({ type: 'listening', port: address.port });
  } else if (message.type === 'memory') {
    const { rss, heapUsed } = process.memoryUsage();
    send({ type: 'memory', rss, heapUsed });
  } else {
    await server?.close();
    send({ type: 'stopped' });
    process.disconnect();
  }
}
