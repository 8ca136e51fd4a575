// Settings of the training-job routes: where job runs live, how many run at once, and how a cancel
// ends a worker. Flat fields, so the server's own schema can extend its shape.

import { z } from 'zod';

const count = (min: number) => z.number().int().min(min);

/** Every setting of the training jobs. */
export const TrainingJobsConfigSchema = z.strictObject({
  trainingJobsDir: z
    .string()
    .min(1)
    .default('training-jobs')
    .describe('Folder of the jobs: runs/<job id> holds each run folder, jobs/<job id> its config and log.'),
  maxRunningJobs: count(1).default(1).describe('Training workers running at once; later jobs queue.'),
  maxQueuedJobs: count(0)
    .default(4)
    .describe('Jobs waiting for a worker; more answer 429 training_job_limit.'),
  jobCancelGraceMs: count(0)
    .default(60_000)
    .describe('After SIGINT, how long a cancelled worker may take to checkpoint and stop before SIGKILL.'),
  jobMetricsPollMs: count(10)
    .default(2_000)
    .describe("How often the job gauges read running jobs' metrics.jsonl."),
  maxFinishedJobs: count(1).default(100).describe('Finished jobs remembered (oldest forgotten first).'),
});

/** A resolved training-jobs configuration. */
export type TrainingJobsConfig = z.output<typeof TrainingJobsConfigSchema>;
