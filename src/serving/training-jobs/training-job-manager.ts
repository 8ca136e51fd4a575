// Training jobs of one server: each job runs `train` in its own worker process (a crash or a runaway
// step cannot take the server down), at most `maxRunningJobs` at once with a bounded queue behind.
// Jobs live in this process's memory; their run folders stay on disk after the server is gone.

import { randomUUID } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { StatesetError } from '../../errors.js';
import type { Logger } from '../../observability/logger.js';
import type { MetricsLine } from '../../training/metrics-log.js';
import { runPaths } from '../../training/run-paths.js';
import { validateJobConfig } from './job-config.js';
import { readLatestMetrics } from './metrics-tail.js';
import {
  clearJobProgress,
  setJobCounts,
  setJobProgress,
  type TrainingJobGauges,
} from './training-job-gauges.js';
import { isFinished, type TrainingJobStatus, type TrainingJobView } from './training-job.js';
import { TrainingJobsConfigSchema, type TrainingJobsConfig } from './training-jobs-config.js';
import { WorkerProcess, type WorkerExit } from './worker-process.js';

/** Options of a `TrainingJobManager`. */
export type TrainingJobManagerOptions = {
  /** Settings; defaults from `TrainingJobsConfigSchema`. */
  readonly config?: Partial<TrainingJobsConfig>;
  /** The compiled CLI; default dist/src/cli/main.js beside this module's compiled file. */
  readonly cliEntry?: string;
  /** Environment of the workers, less every STATESET_* variable but the data and log settings. */
  readonly env?: NodeJS.ProcessEnv;
  readonly logger?: Logger;
};

type Job = {
  view: TrainingJobView;
  readonly configFile: string;
  readonly logFile: string;
  worker?: WorkerProcess;
  cancelRequested: boolean;
  /** Resolves once the job has ended and its exit is recorded. */
  readonly ended: Promise<void>;
  readonly markEnded: () => void;
};

/** STATESET_* variables a worker keeps: they locate data and set log levels, never the training itself. */
const WORKER_ENV_KEPT = new Set(['STATESET_TAU_RETAIL', 'STATESET_LOG_LEVEL']);

/** Starts, tracks and cancels training jobs; `shutdown` cancels all of them. */
export class TrainingJobManager {
  readonly config: TrainingJobsConfig;
  readonly #jobs = new Map<string, Job>();
  readonly #queue: string[] = [];
  readonly #cliEntry: string;
  readonly #env: NodeJS.ProcessEnv;
  readonly #logger: Logger | undefined;
  #gauges: TrainingJobGauges | undefined;
  #poll: NodeJS.Timeout | undefined;
  #shutdown: Promise<void> | undefined;

  constructor(options: TrainingJobManagerOptions = {}) {
    this.config = TrainingJobsConfigSchema.parse(options.config ?? {});
    this.#cliEntry = options.cliEntry ?? fileURLToPath(new URL('../../cli/main.js', import.meta.url));
    this.#env = Object.fromEntries(
      Object.entries(options.env ?? process.env).filter(
        ([name]) => !name.startsWith('STATESET_') || WORKER_ENV_KEPT.has(name),
      ),
    );
    this.#logger = options.logger;
  }

  /** Reports to these gauges from now on (the routes plugin binds the server's). */
  bindGauges(gauges: TrainingJobGauges): void {
    this.#gauges = gauges;
    this.#publishCounts();
  }

  /**
   * Accepts a job: validates `config` (400 `invalid_config` naming the field), then starts it or
   * queues it; 429 `training_job_limit` when the queue is full, 503 once shutting down.
   */
  async submit(owner: string, config: unknown): Promise<TrainingJobView> {
    if (this.#shutdown !== undefined) {
      throw new StatesetError('server_shutting_down', 'the server is shutting down and starts no jobs');
    }
    const id = `job_${randomUUID().replaceAll('-', '')}`;
    const root = resolve(this.config.trainingJobsDir);
    const runsDir = join(root, 'runs');
    const valid = validateJobConfig(config, { runsDir, runName: id });
    if (!valid.ok) throw valid.error;
    const running = this.#count('running');
    if (running >= this.config.maxRunningJobs && this.#queue.length >= this.config.maxQueuedJobs) {
      throw new StatesetError(
        'training_job_limit',
        `${running} job(s) running and ${this.#queue.length} queued, the most this server takes; retry later`,
      );
    }
    const jobDir = join(root, 'jobs', id);
    await mkdir(jobDir, { recursive: true });
    await mkdir(runsDir, { recursive: true });
    const configFile = join(jobDir, 'config.json');
    await writeFile(configFile, `${JSON.stringify({ ...valid.value, runsDir, runName: id }, null, 2)}\n`);
    let markEnded = () => {};
    const ended = new Promise<void>((resolve) => (markEnded = resolve));
    const job: Job = {
      ended,
      markEnded,
      view: {
        id,
        status: 'queued',
        owner,
        config: valid.value,
        runDir: runPaths(join(runsDir, id)).root,
        createdAt: new Date().toISOString(),
      },
      configFile,
      logFile: join(jobDir, 'worker.log'),
      cancelRequested: false,
    };
    this.#jobs.set(id, job);
    this.#queue.push(id);
    this.#logger?.info({ jobId: id, owner }, 'training job accepted');
    this.#startQueued();
    this.#publishCounts();
    return job.view;
  }

  /** The job `id` with its latest metrics read now; 404 `training_job_not_found` when unknown. */
  async get(id: string): Promise<TrainingJobView> {
    const job = this.#job(id);
    if (job.view.status === 'running') await this.#refresh(job);
    return job.view;
  }

  /** The job `id` as last seen, or undefined when unknown (or forgotten). */
  find(id: string): TrainingJobView | undefined {
    return this.#jobs.get(id)?.view;
  }

  /** Resolves with the job once it has ended (succeeded, failed or cancelled). */
  async whenEnded(id: string): Promise<TrainingJobView> {
    const job = this.#job(id);
    await job.ended;
    return job.view;
  }

  /** Every remembered job, oldest first. */
  list(): readonly TrainingJobView[] {
    return [...this.#jobs.values()].map((job) => job.view);
  }

  /**
   * Cancels `id`: a queued job never starts; a running worker gets SIGINT (train finishes its step,
   * checkpoints and exits), SIGKILL after `jobCancelGraceMs`. Resolves once it has ended; a job that
   * had already ended is returned as it is.
   */
  async cancel(id: string): Promise<TrainingJobView> {
    const job = this.#job(id);
    if (isFinished(job.view.status)) return job.view;
    job.cancelRequested = true;
    if (job.view.status === 'queued') {
      this.#queue.splice(this.#queue.indexOf(id), 1);
      this.#end(job, { code: null, signal: null }, 'cancelled');
      return job.view;
    }
    this.#logger?.info({ jobId: id }, 'cancelling training job');
    await job.worker?.stop(this.config.jobCancelGraceMs);
    await job.ended;
    return job.view;
  }

  /** Cancels every queued and running job and waits for their workers to exit. Idempotent. */
  shutdown(): Promise<void> {
    this.#shutdown ??= (async () => {
      const open = [...this.#jobs.values()].filter((job) => !isFinished(job.view.status));
      await Promise.all(open.map((job) => this.cancel(job.view.id)));
      clearInterval(this.#poll);
    })();
    return this.#shutdown;
  }

  #job(id: string): Job {
    const job = this.#jobs.get(id);
    if (job === undefined) {
      throw new StatesetError('training_job_not_found', `no training job with id ${JSON.stringify(id)}`);
    }
    return job;
  }

  #count(status: TrainingJobStatus): number {
    return [...this.#jobs.values()].filter((job) => job.view.status === status).length;
  }

  #startQueued(): void {
    while (this.#queue.length > 0 && this.#count('running') < this.config.maxRunningJobs) {
      const job = this.#job(this.#queue.shift() as string);
      job.view = { ...job.view, status: 'running', startedAt: new Date().toISOString() };
      const worker = WorkerProcess.start({
        cliEntry: this.#cliEntry,
        configFile: job.configFile,
        logFile: job.logFile,
        env: this.#env,
        cwd: process.cwd(),
      });
      job.worker = worker;
      this.#logger?.info({ jobId: job.view.id, pid: worker.pid }, 'training job started');
      void worker.exited.then((exit) => this.#onExit(job, exit));
    }
    if (this.#count('running') > 0 && this.#poll === undefined) {
      this.#poll = setInterval(() => void this.#pollRunning(), this.config.jobMetricsPollMs);
      this.#poll.unref();
    }
  }

  /** Settles a job whose worker exited: its final metrics, its status, and the next queued job. */
  async #onExit(job: Job, exit: WorkerExit): Promise<void> {
    await this.#refresh(job).catch(() => undefined);
    const status: TrainingJobStatus = job.cancelRequested
      ? 'cancelled'
      : exit.code === 0
        ? 'succeeded'
        : 'failed';
    this.#end(job, exit, status);
    if (this.#shutdown === undefined) this.#startQueued();
    if (this.#count('running') === 0) {
      clearInterval(this.#poll);
      this.#poll = undefined;
    }
  }

  #end(job: Job, exit: WorkerExit, status: TrainingJobStatus): void {
    const failed = status === 'failed';
    job.view = {
      ...job.view,
      status,
      endedAt: new Date().toISOString(),
      ...(job.worker === undefined ? {} : { exitCode: exit.code, signal: exit.signal }),
      ...(failed && job.worker !== undefined ? { stderrTail: job.worker.stderrTail() } : {}),
      ...(exit.error === undefined ? {} : { error: exit.error }),
    };
    job.worker = undefined;
    this.#logger?.[failed ? 'warn' : 'info']({ jobId: job.view.id, status, exit }, 'training job ended');
    if (this.#gauges !== undefined) clearJobProgress(this.#gauges, job.view.id, false);
    this.#forgetOldJobs();
    this.#publishCounts();
    job.markEnded();
  }

  async #refresh(job: Job): Promise<void> {
    const line: MetricsLine | undefined = await readLatestMetrics(runPaths(job.view.runDir).metrics);
    if (line === undefined) return;
    job.view = { ...job.view, latestMetrics: line };
    if (this.#gauges !== undefined && job.view.status === 'running')
      setJobProgress(this.#gauges, job.view.id, line);
  }

  async #pollRunning(): Promise<void> {
    const running = [...this.#jobs.values()].filter((job) => job.view.status === 'running');
    await Promise.all(running.map((job) => this.#refresh(job).catch(() => undefined)));
  }

  #forgetOldJobs(): void {
    const finished = [...this.#jobs.values()].filter((job) => isFinished(job.view.status));
    for (const job of finished.slice(0, Math.max(0, finished.length - this.config.maxFinishedJobs))) {
      this.#jobs.delete(job.view.id);
      if (this.#gauges !== undefined) clearJobProgress(this.#gauges, job.view.id, true);
    }
  }

  #publishCounts(): void {
    if (this.#gauges !== undefined)
      setJobCounts(
        this.#gauges,
        [...this.#jobs.values()].map((job) => job.view.status),
      );
  }
}
