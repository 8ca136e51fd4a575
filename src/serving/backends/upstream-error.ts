// What a failed call to an upstream OpenAI-compatible endpoint means: its error code, and whether the
// same request may succeed if tried again (the resilience layer's retry and breaker decide on that).

import { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from 'openai';
import { retryAfterMs } from '../../agents/retry-backoff.js';
import { BackendError, requestAborted } from './backend-error.js';

/**
 * The BackendError for an error the `openai` client threw. Retryable: timeouts and 408
 * (`policy_timeout`), connection failures and 5xx (`policy_unavailable`), 429
 * (`policy_rate_limited`, with the server's Retry-After). Not retryable: other 4xx
 * (`policy_request_rejected`), unreadable answers (`policy_bad_response`), and the caller's abort
 * (`request_aborted`). `midStream`: the failure came after the stream began, so an unknown error
 * other than unparseable JSON is a lost connection rather than a garbled answer.
 */
export function upstreamError(
  error: unknown,
  context: { readonly name: string; readonly signal?: AbortSignal; readonly midStream?: boolean },
): BackendError {
  const { name } = context;
  if (error instanceof BackendError) return error;
  if (error instanceof APIUserAbortError || context.signal?.aborted === true) {
    return requestAborted(`The call to ${name}`, context.signal);
  }
  if (error instanceof APIConnectionTimeoutError) {
    return new BackendError('policy_timeout', `${name}: no response in time.`, {
      cause: error,
      retryable: true,
    });
  }
  if (error instanceof APIConnectionError) {
    return new BackendError('policy_unavailable', `${name}: connection failed: ${error.message}`, {
      cause: error,
      retryable: true,
    });
  }
  if (error instanceof APIError) {
    const { status } = error;
    const delay = retryAfterMs(error.headers);
    const options = { cause: error, status, ...(delay === undefined ? {} : { retryAfterMs: delay }) };
    const message = `${name}: ${status === undefined ? 'error' : `HTTP ${status}`}: ${error.message}`;
    if (status === 429)
      return new BackendError('policy_rate_limited', message, { ...options, retryable: true });
    if (status === 408) return new BackendError('policy_timeout', message, { ...options, retryable: true });
    // An error event inside a stream has no status: the upstream failed while generating.
    if (status === undefined || status >= 500)
      return new BackendError('policy_unavailable', message, { ...options, retryable: true });
    return new BackendError('policy_request_rejected', message, options);
  }
  const detail = error instanceof Error ? error.message : String(error);
  if (context.midStream === true && !(error instanceof SyntaxError)) {
    return new BackendError('policy_unavailable', `${name}: the stream broke off: ${detail}`, {
      cause: error,
      retryable: true,
    });
  }
  return new BackendError('policy_bad_response', `${name}: unreadable response: ${detail}`, { cause: error });
}
