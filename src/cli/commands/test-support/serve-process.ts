// Test support: `stateset-agents serve` as a real child process of the compiled CLI, with its printed
// address, its stdout lines, its JSON log lines (stderr) and its exit, each awaitable without sleeping.

import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';

/** The exit of a process: its code, or the signal that killed it. */
export type ProcessExit = { readonly code: number | null; readonly signal: NodeJS.Signals | null };

/** A running `serve` process. */
export type ServeProcess = {
  readonly child: ChildProcess;
  /** `http://127.0.0.1:PORT`, read from the printed address. */
  readonly url: string;
  readonly stdout: string[];
  /** Parsed JSON log lines; other stderr lines as `{ text }`. */
  readonly logs: Record<string, unknown>[];
  /** Resolves with the first stdout line matching `pattern`, now or later. */
  line(pattern: RegExp): Promise<string>;
  /** Resolves with the first log line whose `msg` is `message`, now or later. */
  log(message: string): Promise<Record<string, unknown>>;
  readonly exited: Promise<ProcessExit>;
};

/** Options of `startServeProcess`. */
export type ServeProcessOptions = {
  /** The compiled CLI entry (global setup's CLI_ENTRY). */
  readonly cliEntry: string;
  /** Flags after `serve`; `--port 0` is added. */
  readonly flags: readonly string[];
  readonly cwd: string;
};

/** Starts `serve --port 0 …flags` with no STATESET_* variables of the test's own, and waits for its address. */
export async function startServeProcess(options: ServeProcessOptions): Promise<ServeProcess> {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !name.startsWith('STATESET_')),
  );
  const child = spawn(process.execPath, [options.cliEntry, 'serve', '--port', '0', ...options.flags], {
    cwd: options.cwd,
    env: { ...env, STATESET_TAU_RETAIL: process.env.STATESET_TAU_RETAIL ?? '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stdout: string[] = [];
  const logs: Record<string, unknown>[] = [];
  const watchers: (() => void)[] = [];
  const notify = () => watchers.forEach((watch) => watch());
  createInterface({ input: child.stdout! }).on('line', (text) => (stdout.push(text), notify()));
  createInterface({ input: child.stderr! }).on('line', (text) => (logs.push(parseLine(text)), notify()));
  const exited = new Promise<ProcessExit>((resolve) =>
    child.once('exit', (code, signal) => (resolve({ code, signal }), notify())),
  );
  let ended = false;
  void exited.then(() => (ended = true));
  const until = <T>(find: () => T | undefined, what: string) =>
    new Promise<T>((resolve, reject) => {
      const check = () => {
        const found = find();
        if (found !== undefined) resolve(found);
        else if (ended) reject(new Error(`serve exited before ${what}; stderr:\n${JSON.stringify(logs)}`));
        else return false;
        return true;
      };
      if (!check()) watchers.push(() => void check());
    });
  const line = (pattern: RegExp) =>
    until(() => stdout.find((text) => pattern.test(text)), `printing ${pattern}`);
  const log = (message: string) =>
    until(() => logs.find((entry) => entry.msg === message), `logging "${message}"`);
  const listening = await line(/listening on http:\/\//);
  const url = /listening on (http:\/\/\S+)/.exec(listening)![1];
  return { child, url, stdout, logs, line, log, exited };
}

function parseLine(text: string): Record<string, unknown> {
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch {
    return { text };
  }
}
