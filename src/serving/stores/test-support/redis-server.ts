// A real redis-server on a free loopback port for tests, with no persistence; stop and start it again
// on the same port to test what clients do while Redis is down.

import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const READY_TIMEOUT_MS = 10_000;
const PING_INTERVAL_MS = 20;
const STOP_TIMEOUT_MS = 5_000;
const MISSING_MESSAGE =
  'redis-server is not installed: the store tests need it on PATH. `.ci/run` installs it ' +
  '(apt-get install -y redis-server); install it the same way to run these tests.';

/** A redis-server process that tests own. */
export class RedisTestServer {
  readonly port: number;
  readonly #command: string;
  readonly #dir = mkdtempSync(join(tmpdir(), 'redis-test-'));
  #process: ChildProcess | undefined;

  private constructor(port: number, command: string) {
    this.port = port;
    this.#command = command;
  }

  /** Starts a server on a free loopback port and resolves once it answers PING. */
  static async launch(options: { readonly command?: string } = {}): Promise<RedisTestServer> {
    let lastError: unknown;
    // A free port can be taken between choosing and binding it; choose again then.
    for (let attempt = 0; attempt < 3; attempt++) {
      const server = new RedisTestServer(await freePort(), options.command ?? 'redis-server');
      try {
        await server.start();
        return server;
      } catch (error) {
        lastError = error;
        if (error instanceof Error && error.message === MISSING_MESSAGE) throw error;
      }
    }
    throw lastError;
  }

  /** `redis://127.0.0.1:PORT`. */
  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** Starts the process again on the same port (after `stop`); resolves once it answers PING. */
  async start(): Promise<void> {
    if (this.#process !== undefined) throw new Error('redis-server is already running');
    const args = ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'];
    const child = spawn(this.#command, [...args, '--dir', this.#dir], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.#process = child;
    RUNNING.add(child);
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<never>((_, reject) => {
      child.once('error', (error: NodeJS.ErrnoException) =>
        reject(error.code === 'ENOENT' ? new Error(MISSING_MESSAGE) : error),
      );
      child.once('exit', (code) =>
        reject(new Error(`redis-server exited (${code}) before it was ready:\n${output}`)),
      );
    });
    exited.catch(() => undefined);
    try {
      await Promise.race([waitForPong(this.port), exited]);
    } catch (error) {
      await this.stop();
      throw error;
    }
  }

  /** Stops the process (SIGTERM, then SIGKILL after 5 s) and resolves once it has exited. */
  async stop(): Promise<void> {
    const child = this.#process;
    this.#process = undefined;
    if (child === undefined) return;
    RUNNING.delete(child);
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGCONT');
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
    await exited;
    clearTimeout(timer);
  }

  /** Freezes the process (SIGSTOP): connections stay open but nothing answers, like a hung server. */
  pause(): void {
    this.#process?.kill('SIGSTOP');
  }

  /** Lets a paused process run again (SIGCONT). */
  resume(): void {
    this.#process?.kill('SIGCONT');
  }

  /** Stops the server and removes its working folder. */
  async close(): Promise<void> {
    await this.stop();
    rmSync(this.#dir, { recursive: true, force: true });
  }
}

/** Servers still running; killed if the test process exits without stopping them. */
const RUNNING = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of RUNNING) child.kill('SIGKILL');
});

/** A loopback port that was free a moment ago. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Polls the port with PING until a server answers +PONG, or fails after 10 s. */
async function waitForPong(port: number): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (!(await answersPing(port))) {
    if (Date.now() > deadline) throw new Error(`redis-server on port ${port} did not answer PING in time`);
    await new Promise((resolve) => setTimeout(resolve, PING_INTERVAL_MS));
  }
}

/** True when a server on `port` answers PING with +PONG (false on refusal or anything else). */
function answersPing(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    let reply = '';
    const finish = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1_000, () => finish(false));
    socket.once('error', () => finish(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.on('data', (chunk) => {
      reply += chunk.toString();
      if (reply.includes('\r\n')) finish(reply.startsWith('+PONG'));
    });
  });
}
