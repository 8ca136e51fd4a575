// The training-job gauges of `/metrics`: jobs by state, and the latest step, reward and loss of each
// job (reward and loss only while it runs; the step stays until the job is forgotten).

import type { MetricsLine } from '../../training/metrics-log.js';
import { TRAINING_METRICS } from '../../training/metric-names.js';
import type { ServerMetrics } from '../server-metrics.js';
import { TRAINING_JOB_STATUSES, type TrainingJobStatus } from './training-job.js';

/** The gauges a job manager keeps. */
export type TrainingJobGauges = Pick<
  ServerMetrics,
  'trainingJobs' | 'trainingReward' | 'trainingLoss' | 'trainingStep'
>;

/** Sets the jobs-by-state gauge from the statuses of every job remembered. */
export function setJobCounts(gauges: TrainingJobGauges, statuses: Iterable<TrainingJobStatus>): void {
  const counts = new Map<TrainingJobStatus, number>(TRAINING_JOB_STATUSES.map((status) => [status, 0]));
  for (const status of statuses) counts.set(status, (counts.get(status) ?? 0) + 1);
  for (const [state, count] of counts) gauges.trainingJobs.set({ state }, count);
}

/** Sets a job's step, reward and loss gauges from its latest metrics line. */
export function setJobProgress(gauges: TrainingJobGauges, job: string, line: MetricsLine): void {
  gauges.trainingStep.set({ job_id: job }, line.step);
  const reward = line[TRAINING_METRICS.reward.mean];
  if (reward !== undefined) gauges.trainingReward.set({ job_id: job }, reward);
  const loss = line[TRAINING_METRICS.lossPolicy];
  if (loss !== undefined) gauges.trainingLoss.set({ job_id: job }, loss);
}

/** Removes the reward and loss of a job that stopped running (and its step, when `forget`). */
export function clearJobProgress(gauges: TrainingJobGauges, job: string, forget: boolean): void {
  gauges.trainingReward.remove({ job_id: job });
  gauges.trainingLoss.remove({ job_id: job });
  if (forget) gauges.trainingStep.remove({ job_id: job });
}
