// One backend call as routes make it: the model must be there and ready, and latency and tokens
// generated are counted in the metrics, whatever the outcome.

import { StatesetError } from '../errors.js';
import type { ChatBackend, Completion, CompletionRequest } from './chat-backend.js';
import type { ServerMetrics } from './server-metrics.js';

/** The backend when it can serve; throws StatesetError('model_unavailable') saying why not. */
export function readyBackend(backend: ChatBackend | undefined): ChatBackend {
  if (backend === undefined) {
    throw new StatesetError(
      'model_unavailable',
      'no model is configured: give a checkpoint or an upstream endpoint',
    );
  }
  const readiness = backend.readiness();
  if (!readiness.ready)
    throw new StatesetError('model_unavailable', `the model is not ready: ${readiness.reason}`);
  return backend;
}

/** Calls `backend.complete`, recording `modelLatency` {model, outcome: ok|degraded|error} and `tokensGenerated`. */
export async function completeWithMetrics(
  backend: ChatBackend,
  metrics: ServerMetrics,
  request: CompletionRequest,
): Promise<Completion> {
  const model = backend.modelId;
  const stopTimer = metrics.modelLatency.startTimer({ model });
  try {
    const completion = await backend.complete(request);
    stopTimer({ outcome: completion.degraded === true ? 'degraded' : 'ok' });
    metrics.tokensGenerated.inc({ model }, completion.usage.completionTokens);
    return completion;
  } catch (error) {
    stopTimer({ outcome: 'error' });
    throw error;
  }
}
