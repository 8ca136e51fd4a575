// The training-job routes through the real server with real workers: a tiny `train` run to success,
// a cancel mid-run, listing, ownership, scopes, bad bodies, and the job gauges on /metrics.

import { existsSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI_ENTRY } from '../../../test/global-setup.js';
import { runPaths } from '../../training/run-paths.js';
import { ServeConfigSchema } from '../serve-config.js';
import { buildServer } from '../server.js';
import type { StatesetServer } from '../server-options.js';
import { createServerMetrics } from '../server-metrics.js';
import { LONG_RUN_STEPS, tinyTrainConfig } from './test-support/tiny-train-config.js';
import { TrainingJobManager } from './training-job-manager.js';
import { trainingJobRoutes } from './training-job-routes.js';
import type { TrainingJobView } from './training-job.js';

const KEYS = { ann: 'ann-train-key', ben: 'ben-train-key', root: 'root-admin-key', chat: 'chat-only-key' };
const as = (who: keyof typeof KEYS) => ({ authorization: `Bearer ${KEYS[who]}` });

let server: StatesetServer;
let manager: TrainingJobManager;

beforeAll(async () => {
  const trainingJobsDir = await mkdtemp(join(tmpdir(), 'training-job-routes-'));
  manager = new TrainingJobManager({ cliEntry: CLI_ENTRY, config: { trainingJobsDir, maxRunningJobs: 2 } });
  server = await buildServer({
    config: ServeConfigSchema.parse({
      apiKeys: `ann:${KEYS.ann}:train,ben:${KEYS.ben}:train,root:${KEYS.root}:admin,chatter:${KEYS.chat}:chat`,
      logLevel: 'silent',
      rateLimitPerMinute: 0,
    }),
    metrics: createServerMetrics({ processMetrics: false }),
    plugins: [trainingJobRoutes({ manager })],
  });
});

afterAll(async () => {
  await server?.app.close(); // shuts the manager down too
});

const start = (config: unknown, who: keyof typeof KEYS = 'ann') =>
  server.app.inject({ method: 'POST', url: '/v1/training/jobs', headers: as(who), payload: { config } });
const read = (id: string, who: keyof typeof KEYS = 'ann') =>
  server.app.inject({ method: 'GET', url: `/v1/training/jobs/${id}`, headers: as(who) });

/** Polls GET until `ready` holds, failing after `timeoutMs`. */
async function until(id: string, ready: (job: TrainingJobView) => boolean, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const job = (await read(id)).json<TrainingJobView>();
    if (ready(job)) return job;
    if (Date.now() > deadline) throw new Error(`job ${id} did not get there: ${JSON.stringify(job)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('training job routes', () => {
  it('runs a tiny train config in a worker to success and reports its metrics', async () => {
    const started = await start(tinyTrainConfig(2));
    expect(started.statusCode).toBe(202);
    const { id, status, runDir } = started.json<TrainingJobView>();
    expect(id).toMatch(/^job_[0-9a-f]{32}$/);
    expect(status).toBe('running');
    const done = await until(id, (job) => job.status !== 'running');
    expect(done).toMatchObject({ status: 'succeeded', exitCode: 0, owner: 'ann', config: { steps: 2 } });
    expect(done.latestMetrics).toMatchObject({ step: 2 });
    expect(done.latestMetrics?.['reward/mean']).toEqual(expect.any(Number));
    expect(done.stderrTail).toBeUndefined();
    expect(existsSync(join(runDir, 'report.html'))).toBe(true);
    expect(existsSync(runPaths(runDir).stepCheckpoint(2))).toBe(true);

    const metrics = await server.app.inject({ method: 'GET', url: '/metrics' });
    expect(metrics.body).toMatch(/stateset_training_jobs\{state="succeeded"\} 1/);
    expect(metrics.body).toContain(`stateset_training_step{job_id="${id}"} 2`);
  });

  it('cancels a running job cleanly: the worker checkpoints and stops', async () => {
    const { id } = (await start(tinyTrainConfig(LONG_RUN_STEPS))).json<TrainingJobView>();
    const running = await until(id, (job) => job.latestMetrics !== undefined);
    expect(running.status).toBe('running');
    const metrics = await server.app.inject({ method: 'GET', url: '/metrics' });
    expect(metrics.body).toMatch(new RegExp(`stateset_training_reward_mean\\{job_id="${id}"\\} `));

    const cancelled = await server.app.inject({
      method: 'DELETE',
      url: `/v1/training/jobs/${id}`,
      headers: as('ann'),
    });
    expect(cancelled.statusCode).toBe(200);
    expect(cancelled.json()).toMatchObject({ status: 'cancelled', exitCode: 0 });
    expect(existsSync(runPaths(cancelled.json().runDir).latest)).toBe(true);
    expect((await read(id)).json().status).toBe('cancelled');
  });

  it('shows a job to its owner and admins only, and lists only what the caller may see', async () => {
    const { id } = (await start(tinyTrainConfig(1), 'ben')).json<TrainingJobView>();
    expect((await read(id, 'ann')).statusCode).toBe(404);
    const annCancel = await server.app.inject({
      method: 'DELETE',
      url: `/v1/training/jobs/${id}`,
      headers: as('ann'),
    });
    expect(annCancel.statusCode).toBe(404);
    expect(annCancel.json().error.code).toBe('training_job_not_found');
    expect((await read(id, 'root')).statusCode).toBe(200);
    const list = async (who: keyof typeof KEYS) =>
      (await server.app.inject({ method: 'GET', url: '/v1/training/jobs', headers: as(who) }))
        .json<{ jobs: TrainingJobView[] }>()
        .jobs.map((job) => job.owner);
    expect(new Set(await list('ben'))).toEqual(new Set(['ben']));
    expect(await list('ann')).not.toContain('ben');
    expect(new Set(await list('root'))).toEqual(new Set(['ann', 'ben']));
    await manager.whenEnded(id);
  });

  it('answers 404 for unknown jobs, 403 without the train scope, 400 for bad bodies', async () => {
    const unknown = await read('job_nope');
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error.code).toBe('training_job_not_found');
    expect((await start(tinyTrainConfig(1), 'chat')).statusCode).toBe(403);
    const cases: [unknown, string, RegExp][] = [
      [{}, 'request_invalid', /config/],
      [{ config: 'steps=2' }, 'request_invalid', /config/],
      [{ config: {}, priority: 1 }, 'request_invalid', /priority/],
      [{ config: { steps: 0 } }, 'invalid_config', /steps \(--steps\)/],
      [{ config: { runsDir: '/etc' } }, 'invalid_config', /runsDir cannot be set/],
      [{ config: { lossFn: 'magic' } }, 'invalid_config', /lossFn/],
    ];
    for (const [payload, code, problem] of cases) {
      const response = await server.app.inject({
        method: 'POST',
        url: '/v1/training/jobs',
        headers: as('ann'),
        payload: payload as object,
      });
      expect(response.statusCode, JSON.stringify(payload)).toBe(400);
      expect(response.json().error.code).toBe(code);
      expect(response.json().error.message).toMatch(problem);
    }
  });
});
