// The server's Prometheus metrics: one prom-client object per METRIC entry, in a registry of its own
// (never prom-client's global one, so several servers in one process do not collide).

import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { METRIC } from './metric-names.js';

/** Latency buckets in seconds, from a cached reply to a slow CPU generation. */
const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120];

/** The metrics registry of one server and its metric objects, named as in METRIC. */
export type ServerMetrics = {
  readonly registry: Registry;
  readonly httpRequests: Counter<'method' | 'route' | 'status'>;
  readonly httpDuration: Histogram<'method' | 'route' | 'status'>;
  readonly activeConversations: Gauge;
  readonly tokensGenerated: Counter<'model'>;
  readonly modelLatency: Histogram<'model' | 'outcome'>;
  readonly breakerState: Gauge<'backend'>;
  readonly backendRetries: Counter<'backend'>;
  readonly fallbackReplies: Counter<'backend'>;
  readonly rejections: Counter<'reason'>;
  readonly rateLimitRejections: Counter<'key'>;
  readonly trainingJobs: Gauge<'state'>;
  readonly trainingReward: Gauge<'job_id'>;
  readonly trainingLoss: Gauge<'job_id'>;
  readonly trainingStep: Gauge<'job_id'>;
  readonly capturedConversations: Counter;
};

/** Options of `createServerMetrics`. */
export type ServerMetricsOptions = {
  /** Also export Node process metrics (CPU, memory, event loop); default true. */
  readonly processMetrics?: boolean;
};

/** A fresh registry holding every server metric. */
export function createServerMetrics(options: ServerMetricsOptions = {}): ServerMetrics {
  const registry = new Registry();
  if (options.processMetrics ?? true) collectDefaultMetrics({ register: registry });
  const registers = [registry];
  const http = ['method', 'route', 'status'] as const;
  return {
    registry,
    httpRequests: new Counter({
      name: METRIC.httpRequests,
      help: 'HTTP requests answered.',
      labelNames: http,
      registers,
    }),
    httpDuration: new Histogram({
      name: METRIC.httpDuration,
      help: 'HTTP request latency in seconds.',
      labelNames: http,
      buckets: LATENCY_BUCKETS,
      registers,
    }),
    activeConversations: new Gauge({
      name: METRIC.activeConversations,
      help: 'Conversations with status active.',
      registers,
    }),
    tokensGenerated: new Counter({
      name: METRIC.tokensGenerated,
      help: 'Completion tokens generated.',
      labelNames: ['model'],
      registers,
    }),
    modelLatency: new Histogram({
      name: METRIC.modelLatency,
      help: 'Latency of one backend call in seconds, retries included.',
      labelNames: ['model', 'outcome'],
      buckets: LATENCY_BUCKETS,
      registers,
    }),
    breakerState: new Gauge({
      name: METRIC.breakerState,
      help: 'Circuit breaker state: 0 closed, 1 half-open, 2 open.',
      labelNames: ['backend'],
      registers,
    }),
    backendRetries: new Counter({
      name: METRIC.backendRetries,
      help: 'Backend calls retried.',
      labelNames: ['backend'],
      registers,
    }),
    fallbackReplies: new Counter({
      name: METRIC.fallbackReplies,
      help: 'Replies served by the fallback while the breaker was open.',
      labelNames: ['backend'],
      registers,
    }),
    rejections: new Counter({
      name: METRIC.rejections,
      help: 'Requests rejected before reaching the model, by reason (rate_limit, concurrency).',
      labelNames: ['reason'],
      registers,
    }),
    rateLimitRejections: new Counter({
      name: METRIC.rateLimitRejections,
      help: 'Rate-limit rejections per API key id.',
      labelNames: ['key'],
      registers,
    }),
    trainingJobs: new Gauge({
      name: METRIC.trainingJobs,
      help: 'Training jobs by state.',
      labelNames: ['state'],
      registers,
    }),
    trainingReward: new Gauge({
      name: METRIC.trainingReward,
      help: 'Latest reward/mean of each training job.',
      labelNames: ['job_id'],
      registers,
    }),
    trainingLoss: new Gauge({
      name: METRIC.trainingLoss,
      help: 'Latest loss/policy of each training job.',
      labelNames: ['job_id'],
      registers,
    }),
    trainingStep: new Gauge({
      name: METRIC.trainingStep,
      help: 'Latest step of each training job.',
      labelNames: ['job_id'],
      registers,
    }),
    capturedConversations: new Counter({
      name: METRIC.capturedConversations,
      help: 'Finished conversations captured to the trajectory store.',
      registers,
    }),
  };
}
