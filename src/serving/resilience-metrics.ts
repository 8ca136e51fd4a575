// The resilience layer's callbacks wired to the server's Prometheus metrics and logs: breaker state,
// retries, fallback replies and concurrency rejections of one backend.

import type { Logger } from '../observability/logger.js';
import type { BreakerState } from './resilience/circuit-breaker.js';
import type { ResilienceHooks } from './resilience/resilient-chat-backend.js';
import type { ServerMetrics } from './server-metrics.js';

/** The value of the breaker-state gauge (METRIC.breakerState): 0 closed, 1 half-open, 2 open. */
export const BREAKER_STATE_VALUE: Readonly<Record<BreakerState, number>> = {
  closed: 0,
  half_open: 1,
  open: 2,
};

/** Options of `resilienceMetricHooks`. */
export type ResilienceMetricHooksOptions = {
  readonly metrics: ServerMetrics;
  readonly logger: Logger;
  /** The `backend` label: the model id. */
  readonly backend: string;
};

/**
 * Hooks that count retries, fallback replies and concurrency rejections, keep the breaker gauge at
 * the breaker's state (set to closed now), and log each change of state and each retry.
 */
export function resilienceMetricHooks(options: ResilienceMetricHooksOptions): ResilienceHooks {
  const { metrics, logger, backend } = options;
  const labels = { backend };
  metrics.breakerState.set(labels, BREAKER_STATE_VALUE.closed);
  return {
    onRetry: (event) => {
      metrics.backendRetries.inc(labels);
      logger.warn(
        { backend, attempt: event.attempt, delayMs: Math.round(event.delayMs), err: event.error },
        'backend call failed; retrying',
      );
    },
    onStateChange: (change) => {
      metrics.breakerState.set(labels, BREAKER_STATE_VALUE[change.state]);
      const log = change.state === 'open' ? logger.error.bind(logger) : logger.warn.bind(logger);
      log({ backend, state: change.state, previous: change.previous }, `circuit breaker ${change.state}`);
    },
    onFallback: (event) => {
      metrics.fallbackReplies.inc(labels);
      logger.warn({ backend, reason: event.reason, err: event.error }, 'served the fallback reply');
    },
    onRejected: () => {
      metrics.rejections.inc({ reason: 'concurrency' });
    },
  };
}
