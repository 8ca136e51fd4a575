// Runs a benchmark server in its own process, so that the load generator does not share its event
// loop and the server's resident memory is its own; talks to it over IPC.

import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { FromServer, ServerSpec, ToServer } from './server-spec.js';

const CHILD_ENTRY = fileURLToPath(new URL('./server-child.js', import.meta.url));
/** How long a stopped server may take to exit before it is killed. */
const EXIT_GRACE_MS = 10_000;

/** A running benchmark server. */
export type ServerProcess = {
  /** `http://127.0.0.1:PORT`. */
  readonly baseUrl: string;
  readonly pid: number;
  /** The server process's resident set size and V8 heap in use, in bytes. */
  memory(): Promise<{ readonly rss: number; readonly heapUsed: number }>;
  /** Closes the server (app, backend, stores) and waits for the process to exit. */
  stop(): Promise<void>;
};

/** Forks a server process for `spec` and resolves once it listens; rejects with its error otherwise. */
export async function startServerProcess(spec: ServerSpec): Promise<ServerProcess> {
  const child = fork(CHILD_ENTRY, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const next = (type: FromServer['type']) => nextMessage(child, type);
  child.send({ type: 'start', spec } satisfies ToServer);
  const listening = await next('listening').catch(async (error: unknown) => {
    child.kill('SIGKILL');
    throw error;
  });
  if (listening.type !== 'listening') throw new Error('unreachable');
  return {
    baseUrl: `http://127.0.0.1:${listening.port}`,
    pid: child.pid ?? -1,
    async memory() {
      child.send({ type: 'memory' } satisfies ToServer);
      const reply = await next('memory');
      if (reply.type !== 'memory') throw new Error('unreachable');
      return { rss: reply.rss, heapUsed: reply.heapUsed };
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.send({ type: 'stop' } satisfies ToServer);
      await next('stopped');
      const timer = setTimeout(() => child.kill('SIGKILL'), EXIT_GRACE_MS);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** The next message of `type` from the child; rejects on a `failed` message or an early exit. */
function nextMessage(child: ChildProcess, type: FromServer['type']): Promise<FromServer> {
  return new Promise((resolve, reject) => {
    const onMessage = (message: FromServer) => {
      if (message.type === type) finish(() => resolve(message));
      else if (message.type === 'failed') finish(() => reject(new Error(`bench server: ${message.error}`)));
    };
    const onExit = (code: number | null) =>
      finish(() => reject(new Error(`bench server exited (${code}) while waiting for "${type}"`)));
    const finish = (settle: () => void) => {
      child.off('message', onMessage);
      child.off('exit', onExit);
      settle();
    };
    child.on('message', onMessage);
    child.once('exit', onExit);
  });
}
