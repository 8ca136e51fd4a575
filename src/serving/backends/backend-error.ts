// The error family of chat backends and the resilience layer around them: each failure says whether
// another attempt may succeed, and how long a client should wait before trying again.

import type { ErrorCode } from '../../error-catalogue.js';
import { StatesetError } from '../../errors.js';

/** Options of a BackendError beyond its code and message. */
export type BackendErrorOptions = {
  readonly cause?: unknown;
  /** Whether the same request may succeed if tried again (timeouts, 5xx, connection errors, 429). */
  readonly retryable?: boolean;
  /** HTTP status of the upstream's answer, when there was one. */
  readonly status?: number;
  /** How long the upstream asked us to wait (Retry-After), in milliseconds. */
  readonly retryAfterMs?: number;
  /** What a client should wait before trying again (the `Retry-After` header our server sends). */
  readonly retryAfterSeconds?: number;
};

/** A chat backend, or the resilience layer around it, could not produce a completion. */
export class BackendError extends StatesetError {
  readonly retryable: boolean;
  readonly status?: number;
  readonly retryAfterMs?: number;
  readonly retryAfterSeconds?: number;

  constructor(code: ErrorCode, message: string, options: BackendErrorOptions = {}) {
    super(code, message, { cause: options.cause });
    this.retryable = options.retryable ?? false;
    this.status = options.status;
    this.retryAfterMs = options.retryAfterMs;
    this.retryAfterSeconds = options.retryAfterSeconds;
  }
}

/** Whether `error` is a failure that another attempt may get past (a retryable BackendError). */
export function isRetryableError(error: unknown): boolean {
  return error instanceof BackendError && error.retryable;
}

/** Codes that say the backend itself is unhealthy even though retrying will not help. */
const FAULT_CODES: ReadonlySet<ErrorCode> = new Set(['policy_bad_response', 'runtime_failure']);

/**
 * Whether `error` is the backend's fault (what a circuit breaker counts): retryable failures, garbled
 * answers, engine failures and errors of no known kind. A request the backend rejects, a missing
 * model and an abort are not.
 */
export function isBackendFault(error: unknown): boolean {
  if (isRetryableError(error)) return true;
  if (error instanceof StatesetError) return FAULT_CODES.has(error.code);
  return !(error instanceof Error && error.name === 'AbortError');
}

/** The error a call fails with when its caller's signal aborts (the client went away). */
export function requestAborted(what: string, signal: AbortSignal | undefined): BackendError {
  return new BackendError('request_aborted', `${what} was aborted by the caller.`, {
    cause: signal?.reason,
  });
}
