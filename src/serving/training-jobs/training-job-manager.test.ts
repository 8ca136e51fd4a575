// TrainingJobManager with real workers (`node dist/src/cli/main.js train`): a failing run reports
// its exit code and stderr; the queue and its limit; shutdown cancels a running job cleanly (SIGINT:
// the worker checkpoints and exits 0) and refuses new jobs.

import { existsSync } from 'node:fs';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CLI_ENTRY } from '../../../test/global-setup.js';
import { runPaths } from '../../training/run-paths.js';
import { createServerMetrics } from '../server-metrics.js';
import { LONG_RUN_STEPS, tinyTrainConfig } from './test-support/tiny-train-config.js';
import { TrainingJobManager } from './training-job-manager.js';
import type { TrainingJobView } from './training-job.js';
import type { TrainingJobsConfig } from './training-jobs-config.js';

const managers: TrainingJobManager[] = [];
// A failed assertion must not leave a long-running worker behind.
afterEach(async () => {
  await Promise.all(managers.splice(0).map((jobs) => jobs.shutdown()));
});

async function manager(config: Partial<TrainingJobsConfig> = {}) {
  const trainingJobsDir = await mkdtemp(join(tmpdir(), 'training-jobs-'));
  const jobs = new TrainingJobManager({ cliEntry: CLI_ENTRY, config: { trainingJobsDir, ...config } });
  managers.push(jobs);
  return jobs;
}

/** Polls the job until `ready` holds (each poll reads its metrics file), failing after `timeoutMs`. */
async function until(
  jobs: TrainingJobManager,
  id: string,
  ready: (job: TrainingJobView) => boolean,
  timeoutMs = 30_000,
): Promise<TrainingJobView> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const job = await jobs.get(id);
    if (ready(job)) return job;
    if (Date.now() > deadline) throw new Error(`job ${id} did not get there: ${JSON.stringify(job)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('TrainingJobManager', () => {
  it('reports a worker that fails with its exit code and the end of its stderr', async () => {
    const jobs = await manager();
    const accepted = await jobs.submit('alice', {
      ...tinyTrainConfig(2),
      env: 'retail',
      data: '/no/such/folder',
    });
    expect(accepted.status).toBe('running');
    const ended = await jobs.whenEnded(accepted.id);
    expect(ended).toMatchObject({ status: 'failed', exitCode: 1, signal: null });
    expect(ended.stderrTail).toMatch(/error \[environment_data_invalid\]/);
    expect(ended.latestMetrics).toBeUndefined();
    const log = await readFile(join(jobs.config.trainingJobsDir, 'jobs', accepted.id, 'worker.log'), 'utf8');
    expect(log).toContain('environment_data_invalid');
  });

  it('queues beyond maxRunningJobs, refuses beyond maxQueuedJobs, and cancels a queued job before it starts', async () => {
    const jobs = await manager({ maxRunningJobs: 1, maxQueuedJobs: 1 });
    const metrics = createServerMetrics({ processMetrics: false });
    jobs.bindGauges(metrics);
    const running = await jobs.submit('alice', tinyTrainConfig(LONG_RUN_STEPS));
    const queued = await jobs.submit('alice', tinyTrainConfig(2));
    expect([running.status, queued.status]).toEqual(['running', 'queued']);
    await expect(jobs.submit('alice', tinyTrainConfig(2))).rejects.toMatchObject({
      code: 'training_job_limit',
    });
    const counts = async () =>
      Object.fromEntries(
        (await metrics.trainingJobs.get()).values.map((value) => [value.labels.state, value.value]),
      );
    expect(await counts()).toMatchObject({ running: 1, queued: 1, cancelled: 0 });

    const cancelledQueued = await jobs.cancel(queued.id);
    expect(cancelledQueued).toMatchObject({ status: 'cancelled' });
    expect(cancelledQueued.exitCode).toBeUndefined(); // it never started
    expect(existsSync(cancelledQueued.runDir)).toBe(false);
    expect(await counts()).toMatchObject({ running: 1, queued: 0, cancelled: 1 });

    await until(jobs, running.id, (job) => job.latestMetrics !== undefined);
    expect((await metrics.trainingStep.get()).values[0]?.value).toBeGreaterThanOrEqual(1);
    await jobs.shutdown();
    const stopped = await jobs.get(running.id);
    // SIGINT: train finished its step, saved a checkpoint and exited 0 with "stopped at step N".
    expect(stopped).toMatchObject({ status: 'cancelled', exitCode: 0, signal: null });
    const latest = JSON.parse(await readFile(runPaths(stopped.runDir).latest, 'utf8')) as { step: number };
    expect(latest.step).toBeGreaterThanOrEqual(stopped.latestMetrics?.step ?? 1);
    expect(await counts()).toMatchObject({ running: 0, cancelled: 2 });
    expect((await metrics.trainingReward.get()).values).toEqual([]); // only running jobs have one
    await expect(jobs.submit('alice', tinyTrainConfig(2))).rejects.toMatchObject({
      code: 'server_shutting_down',
    });
  });

  it('with no grace period, cancel ends the worker at once by signal; cancelling again changes nothing', async () => {
    const jobs = await manager({ jobCancelGraceMs: 0 });
    const job = await jobs.submit('alice', tinyTrainConfig(LONG_RUN_STEPS));
    const cancelled = await jobs.cancel(job.id);
    expect(cancelled.status).toBe('cancelled');
    expect(cancelled.signal === 'SIGKILL' || cancelled.signal === 'SIGINT').toBe(true);
    expect((await jobs.cancel(job.id)).endedAt).toBe(cancelled.endedAt); // cancelling again changes nothing
    await expect(jobs.get('job_unknown')).rejects.toMatchObject({ code: 'training_job_not_found' });
  });
});
