// A training job as the API reports it: its state, where its run folder is, the latest metrics of
// the run, and, when it failed, the worker's exit status and the end of its error output.

import type { MetricsLine } from '../../training/metrics-log.js';

/** Where a job is: waiting for a worker, running, or ended one of three ways. */
export type TrainingJobStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';

/** Every status, in lifecycle order (the gauge's label values). */
export const TRAINING_JOB_STATUSES: readonly TrainingJobStatus[] = [
  'queued',
  'running',
  'succeeded',
  'failed',
  'cancelled',
];

/** True once a job can change no more. */
export function isFinished(status: TrainingJobStatus): boolean {
  return status === 'succeeded' || status === 'failed' || status === 'cancelled';
}

/** The JSON of `GET /v1/training/jobs/{id}`. */
export type TrainingJobView = {
  readonly id: string;
  readonly status: TrainingJobStatus;
  /** Id of the API key that started it. */
  readonly owner: string;
  /** The `train` configuration as given (the run folder's config.json holds the resolved one). */
  readonly config: Readonly<Record<string, unknown>>;
  /** The run folder `train` writes (config, metrics.jsonl, checkpoints, report). */
  readonly runDir: string;
  readonly createdAt: string;
  readonly startedAt?: string;
  readonly endedAt?: string;
  /** The last complete line of the run's metrics.jsonl; absent before the first step ends. */
  readonly latestMetrics?: MetricsLine;
  /** The worker's exit code (null when a signal ended it), once it has exited. */
  readonly exitCode?: number | null;
  readonly signal?: string | null;
  /** The end of the worker's stderr, when it failed. */
  readonly stderrTail?: string;
  /** Why it failed, when it failed without the worker saying (it could not start). */
  readonly error?: string;
};
