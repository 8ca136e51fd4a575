// Maps anything thrown while serving a request to the one error envelope:
// `{ "error": { "code", "message", "requestId" } }`. Unknown errors become 500 `internal_error`
// with a fixed message: no stack, key or internal detail reaches the caller.

import type { FastifyReply, FastifyRequest } from 'fastify';
import { ERROR_CATALOGUE, type ErrorCode } from '../error-catalogue.js';
import { StatesetError } from '../errors.js';

/** The body of every error response. */
export type ErrorEnvelope = {
  readonly error: { readonly code: string; readonly message: string; readonly requestId: string };
};

/** How an error is answered. */
export type HttpError = {
  readonly status: number;
  readonly code: ErrorCode;
  readonly message: string;
  /** Sent as `Retry-After` (overload, an open breaker, an upstream's 429). */
  readonly retryAfterSeconds?: number;
};

/** Codes for the client errors Fastify raises itself (body limits, media types, bad JSON). */
const FASTIFY_STATUS_CODES: Readonly<Record<number, ErrorCode>> = {
  400: 'request_invalid',
  404: 'not_found',
  405: 'method_not_allowed',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
};

/** The status, code and caller-safe message for `error`. */
export function toHttpError(error: unknown): HttpError {
  if (error instanceof StatesetError) {
    const { status, description } = ERROR_CATALOGUE[error.code];
    // A 500 is our fault; its message may name internals, so the caller gets the description.
    const message = status === 500 ? description : error.message;
    const retryAfterSeconds = retryAfterOf(error);
    return retryAfterSeconds === undefined
      ? { status, code: error.code, message }
      : { status, code: error.code, message, retryAfterSeconds };
  }
  const status = (error as { statusCode?: unknown } | null)?.statusCode;
  if (typeof status === 'number' && FASTIFY_STATUS_CODES[status] !== undefined) {
    return { status, code: FASTIFY_STATUS_CODES[status], message: (error as Error).message };
  }
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return { status, code: 'request_invalid', message: (error as Error).message };
  }
  return { status: 500, code: 'internal_error', message: ERROR_CATALOGUE.internal_error.description };
}

/** Whole seconds to wait, from an error that carries `retryAfterSeconds` or `retryAfterMs` (BackendError). */
function retryAfterOf(error: StatesetError): number | undefined {
  const { retryAfterSeconds, retryAfterMs } = error as {
    retryAfterSeconds?: unknown;
    retryAfterMs?: unknown;
  };
  if (typeof retryAfterSeconds === 'number' && Number.isFinite(retryAfterSeconds) && retryAfterSeconds >= 0) {
    return Math.ceil(retryAfterSeconds);
  }
  if (typeof retryAfterMs === 'number' && Number.isFinite(retryAfterMs) && retryAfterMs >= 0) {
    return Math.ceil(retryAfterMs / 1000);
  }
  return undefined;
}

/** The envelope for `error` answering `requestId`. */
export function errorEnvelope(error: HttpError, requestId: string): ErrorEnvelope {
  return { error: { code: error.code, message: error.message, requestId } };
}

/** Sends `error` as the envelope with its status. */
export function sendError(request: FastifyRequest, reply: FastifyReply, error: HttpError): FastifyReply {
  if (error.retryAfterSeconds !== undefined) reply.header('retry-after', String(error.retryAfterSeconds));
  return reply
    .code(error.status)
    .type('application/json; charset=utf-8')
    .send(errorEnvelope(error, request.id));
}

/** An HttpError for `code` with this message (status from the catalogue). */
export function httpError(code: ErrorCode, message: string): HttpError {
  return { status: ERROR_CATALOGUE[code].status, code, message };
}
