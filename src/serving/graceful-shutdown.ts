// Graceful shutdown of a running server on SIGTERM/SIGINT: readiness turns false and new work is
// refused (503) while in-flight requests finish, up to a deadline; then the HTTP server closes, the
// caller's steps run (training jobs, stores, backend), and the process exits. A second signal exits at once.

import { constants } from 'node:os';
import type { Logger } from '../observability/logger.js';
import { InFlightRequests } from './in-flight-requests.js';
import type { StatesetServer } from './server-options.js';

/** One piece of cleanup after the HTTP server has closed, named in the logs. */
export type ShutdownStep = {
  readonly name: string;
  run(): void | PromiseLike<void>;
};

/** Where signals come from: `process`, or any emitter with the same `on`/`off` (tests). */
export type SignalSource = {
  on(signal: NodeJS.Signals, listener: (signal: NodeJS.Signals) => void): unknown;
  off(signal: NodeJS.Signals, listener: (signal: NodeJS.Signals) => void): unknown;
};

/** Options of `GracefulShutdown`. */
export type GracefulShutdownOptions = {
  readonly server: StatesetServer;
  /** How long in-flight requests may take to finish before their connections are closed, in ms. */
  readonly deadlineMs: number;
  readonly logger: Logger;
  /** Run in order once the HTTP server has closed; a failing step is logged and the next one still runs. */
  readonly steps?: readonly ShutdownStep[];
  /** Default SIGTERM and SIGINT. */
  readonly signals?: readonly NodeJS.Signals[];
  /** Default `process`. */
  readonly signalSource?: SignalSource;
  /** Ends the process after a signal; default `process.exit`. */
  readonly exit?: (code: number) => void;
};

/** How a shutdown went. */
export type ShutdownReport = {
  /** What started it: a signal name, or the caller's reason. */
  readonly reason: string;
  /** Requests still in flight at the deadline, whose connections were closed (0: all finished). */
  readonly cutOff: number;
  /** Steps (and `http server`) that failed. */
  readonly failed: readonly string[];
  /** 0, or 1 when something failed to close. */
  readonly exitCode: number;
  readonly durationMs: number;
};

/**
 * Drives the shutdown of one server. Create it before the server listens, so every request is
 * counted; `install` to handle signals. `shutdown` is idempotent: later calls get the first's report.
 */
export class GracefulShutdown {
  readonly #options: GracefulShutdownOptions;
  readonly #requests: InFlightRequests;
  readonly #signals: readonly NodeJS.Signals[];
  readonly #source: SignalSource;
  #running: Promise<ShutdownReport> | undefined;
  #finished!: (report: ShutdownReport) => void;
  readonly #whenDone = new Promise<ShutdownReport>((resolve) => (this.#finished = resolve));

  constructor(options: GracefulShutdownOptions) {
    this.#options = options;
    this.#requests = InFlightRequests.track(options.server.app.server);
    this.#signals = options.signals ?? ['SIGTERM', 'SIGINT'];
    this.#source = options.signalSource ?? process;
  }

  /** Requests the server is answering now. */
  get inFlight(): number {
    return this.#requests.count;
  }

  /** The shutdown under way or finished; undefined before one began. */
  get done(): Promise<ShutdownReport> | undefined {
    return this.#running;
  }

  /** Resolves with the report once a shutdown, however started, has finished. */
  whenDone(): Promise<ShutdownReport> {
    return this.#whenDone;
  }

  /** Handles the signals: the first shuts down then exits with the report's code; another exits at once (128 + signal number). */
  install(): this {
    for (const signal of this.#signals) this.#source.on(signal, this.#onSignal);
    return this;
  }

  /** Stops handling the signals. */
  uninstall(): void {
    for (const signal of this.#signals) this.#source.off(signal, this.#onSignal);
  }

  /** Shuts the server down once; resolves when every phase has run (never rejects). */
  shutdown(reason: string): Promise<ShutdownReport> {
    if (this.#running === undefined) {
      this.#running = this.#run(reason);
      void this.#running.then(this.#finished);
    }
    return this.#running;
  }

  readonly #onSignal = (signal: NodeJS.Signals): void => {
    const exit = this.#options.exit ?? ((code: number) => process.exit(code));
    if (this.#running !== undefined) {
      const code = 128 + (constants.signals[signal] ?? 0);
      this.#options.logger.error(
        { signal, exitCode: code, inFlight: this.#requests.count },
        'shutdown: second signal, exiting now without finishing the shutdown',
      );
      exit(code);
      return;
    }
    void this.shutdown(signal).then((report) => exit(report.exitCode));
  };

  async #run(reason: string): Promise<ShutdownReport> {
    const { server, logger, deadlineMs } = this.#options;
    const started = performance.now();
    server.markShuttingDown();
    logger.info(
      { reason, inFlight: this.#requests.count, deadlineMs },
      'shutdown: draining in-flight requests; new ones are refused',
    );
    const drained = await this.#drain(deadlineMs);
    const closing = server.app.close();
    let cutOff = 0;
    if (drained) logger.info('shutdown: every in-flight request finished');
    else {
      cutOff = this.#requests.count;
      server.app.server.closeAllConnections();
      logger.warn(
        { cutOff, deadlineMs },
        `shutdown: the deadline passed with ${cutOff} request(s) in flight; their connections were closed`,
      );
    }
    const failed: string[] = [];
    await this.#phase('http server', () => closing, failed);
    for (const step of this.#options.steps ?? []) await this.#phase(step.name, () => step.run(), failed);
    const exitCode = failed.length === 0 ? 0 : 1;
    const durationMs = Math.round(performance.now() - started);
    logger.info({ reason, exitCode, cutOff, failed, durationMs }, 'shutdown: complete');
    return { reason, cutOff, failed, exitCode, durationMs };
  }

  /** True once no request is in flight; false when the deadline comes first. */
  async #drain(deadlineMs: number): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), deadlineMs)));
    try {
      return await Promise.race([this.#requests.whenIdle().then(() => true as const), deadline]);
    } finally {
      clearTimeout(timer);
    }
  }

  async #phase(name: string, run: () => void | PromiseLike<void>, failed: string[]): Promise<void> {
    try {
      await run();
      this.#options.logger.info({ step: name }, `shutdown: ${name} closed`);
    } catch (error) {
      failed.push(name);
      this.#options.logger.error({ step: name, err: error }, `shutdown: closing ${name} failed`);
    }
  }
}
