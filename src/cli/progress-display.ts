// Training progress on a terminal: one line redrawn in place on a TTY, plain lines at an interval
// otherwise (pipes, files, CI logs), so logs stay short and terminals stay tidy.

import type { CliOutput } from './cli-io.js';

/** Milliseconds between plain progress lines when the output is not a terminal. */
export const PLAIN_PROGRESS_INTERVAL_MS = 2000;

/** Options of `ProgressDisplay`. */
export type ProgressDisplayOptions = {
  readonly output: CliOutput;
  /** Milliseconds between plain lines; defaults to `PLAIN_PROGRESS_INTERVAL_MS`. */
  readonly intervalMs?: number;
  /** Clock in milliseconds; defaults to `performance.now`. */
  readonly now?: () => number;
};

/** A progress line that is live on a TTY and throttled elsewhere. */
export class ProgressDisplay {
  private readonly output: CliOutput;
  private readonly live: boolean;
  private readonly intervalMs: number;
  private readonly now: () => number;
  private lastPlainAt: number | undefined;
  private drawn = false;

  constructor(options: ProgressDisplayOptions) {
    this.output = options.output;
    this.live = options.output.isTTY === true;
    this.intervalMs = options.intervalMs ?? PLAIN_PROGRESS_INTERVAL_MS;
    this.now = options.now ?? (() => performance.now());
  }

  /** Shows `line`: redrawn in place on a TTY; elsewhere written when `force` is set or the interval has passed. */
  update(line: string, force = false): void {
    if (this.live) {
      this.output.write(`\r${line}\x1b[K`);
      this.drawn = true;
      return;
    }
    const at = this.now();
    if (!force && this.lastPlainAt !== undefined && at - this.lastPlainAt < this.intervalMs) return;
    this.output.write(`${line}\n`);
    this.lastPlainAt = at;
  }

  /** Ends the live line so later output starts on a fresh one. */
  finish(): void {
    if (this.live && this.drawn) this.output.write('\n');
    this.drawn = false;
  }
}
