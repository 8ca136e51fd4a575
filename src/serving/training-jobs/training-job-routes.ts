// The training-job routes (scope `train`): start a `train` run in a worker process, list jobs, read
// one's status and latest metrics, cancel it. A job is visible to the key that started it and to
// admin keys; to every other key it does not exist (404).

import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { StatesetError } from '../../errors.js';
import type { Principal } from '../principal.js';
import type { ServerPlugin } from '../server-deps.js';
import type { TrainingJobManager } from './training-job-manager.js';
import type { TrainingJobView } from './training-job.js';

/** Options of `trainingJobRoutes`. */
export type TrainingJobRoutesOptions = {
  /** The jobs; the plugin binds the server's gauges to it and shuts it down when the server closes. */
  readonly manager: TrainingJobManager;
};

/** `POST /v1/training/jobs`: `config` is a `train` configuration (validated by the manager). */
const startJobBody = z.strictObject({ config: z.record(z.string(), z.unknown()) });

type IdParams = { readonly id: string };

/** The training-job routes as a server plugin. */
export function trainingJobRoutes(options: TrainingJobRoutesOptions): ServerPlugin {
  const { manager } = options;
  return (app, deps) => {
    manager.bindGauges(deps.metrics);
    app.addHook('onClose', async () => manager.shutdown());
    const route = { config: { scope: 'train' as const } };

    app.post('/v1/training/jobs', route, async (request, reply) => {
      const parsed = startJobBody.safeParse(request.body ?? {});
      if (!parsed.success) {
        const problems = parsed.error.issues.map(
          (issue) => `${issue.path.join('.') || 'body'}: ${issue.message}`,
        );
        throw new StatesetError(
          'request_invalid',
          `the body must be { "config": { …train settings… } } (${problems.join('; ')})`,
        );
      }
      const job = await manager.submit(principalOf(request).keyId, parsed.data.config);
      return reply.code(202).send(job);
    });

    app.get('/v1/training/jobs', route, async (request) => {
      const principal = principalOf(request);
      return { jobs: manager.list().filter((job) => visible(job, principal)) };
    });

    app.get<{ Params: IdParams }>('/v1/training/jobs/:id', route, async (request) => {
      owned(manager, request.params.id, principalOf(request));
      return manager.get(request.params.id);
    });

    app.delete<{ Params: IdParams }>('/v1/training/jobs/:id', route, async (request) => {
      owned(manager, request.params.id, principalOf(request));
      return manager.cancel(request.params.id);
    });
  };
}

function principalOf(request: FastifyRequest): Principal {
  if (request.principal === undefined)
    throw new StatesetError('unauthorized', 'no API key was authenticated');
  return request.principal;
}

function visible(job: TrainingJobView, principal: Principal): boolean {
  return job.owner === principal.keyId || principal.scopes.includes('admin');
}

/** Throws 404 unless the job exists and `principal` may see it. */
function owned(manager: TrainingJobManager, id: string, principal: Principal): void {
  const job = manager.find(id);
  if (job === undefined || !visible(job, principal)) {
    throw new StatesetError('training_job_not_found', `no training job with id ${JSON.stringify(id)}`);
  }
}
