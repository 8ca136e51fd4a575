// A training worker: `node <cli> train --config <file>` as a child process, its output appended to a
// log file with the end of stderr kept in memory, and a clean stop: SIGINT (train checkpoints and
// stops after the current step), then SIGKILL if it has not exited by the deadline.

import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { OutputTail } from './output-tail.js';

/** How a worker ended. `error` is set when it could not be started at all. */
export type WorkerExit = {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly error?: string;
};

/** Options of `WorkerProcess.start`. */
export type WorkerOptions = {
  /** The compiled CLI entry (dist/src/cli/main.js). */
  readonly cliEntry: string;
  readonly configFile: string;
  /** Where stdout and stderr are appended. */
  readonly logFile: string;
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
};

/** Characters of stderr kept for the failure report. */
const STDERR_TAIL_CHARS = 4000;

/** A running `train` worker. */
export class WorkerProcess {
  readonly #child: ChildProcess;
  readonly #stderr = new OutputTail(STDERR_TAIL_CHARS);
  /** Resolves once the process has exited and its output is written. */
  readonly exited: Promise<WorkerExit>;

  private constructor(options: WorkerOptions) {
    const log = createWriteStream(options.logFile, { flags: 'a' });
    this.#child = spawn(process.execPath, [options.cliEntry, 'train', '--config', options.configFile], {
      cwd: options.cwd,
      env: options.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      // Its own process group: a Ctrl-C meant for the server reaches workers only as the server's
      // own cancel, so a job the server did not cancel never ends early looking like a success.
      detached: true,
    });
    this.#child.stdout?.pipe(log, { end: false });
    this.#child.stderr?.on('data', (chunk: Buffer) => {
      this.#stderr.append(chunk);
      log.write(chunk);
    });
    this.exited = new Promise<WorkerExit>((resolve) => {
      this.#child.once('error', (error) => resolve({ code: null, signal: null, error: error.message }));
      // 'close' (not 'exit'): every byte of output has been read by then.
      this.#child.once('close', (code, signal) => resolve({ code, signal }));
    }).then(async (exit) => {
      await new Promise<void>((resolve) => log.end(resolve));
      return exit;
    });
  }

  /** Starts the worker. */
  static start(options: WorkerOptions): WorkerProcess {
    return new WorkerProcess(options);
  }

  /** The process id, while it runs. */
  get pid(): number | undefined {
    return this.#child.pid;
  }

  /** The last few thousand characters of stderr. */
  stderrTail(): string {
    return this.#stderr.text();
  }

  /** SIGINT now, SIGKILL after `graceMs` unless it has exited; resolves with the exit. */
  async stop(graceMs: number): Promise<WorkerExit> {
    if (this.#child.exitCode === null && this.#child.signalCode === null) this.#child.kill('SIGINT');
    const timer = setTimeout(() => this.#child.kill('SIGKILL'), graceMs);
    try {
      return await this.exited;
    } finally {
      clearTimeout(timer);
    }
  }
}
