// Request and trace ids. A caller's `x-request-id` / `x-trace-id` is kept when it is short and plain
// (so ids can be joined across services without log injection); otherwise a fresh one is made.

import { randomBytes, randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** Header carrying the request id, in and out. */
export const REQUEST_ID_HEADER = 'x-request-id';
/** Header carrying the trace id that follows a conversation turn across services, in and out. */
export const TRACE_ID_HEADER = 'x-trace-id';

const SANE_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** The header's value when it is a sane id (1–128 of `A-Za-z0-9._:-`), else undefined. */
export function saneId(value: string | string[] | undefined): string | undefined {
  return typeof value === 'string' && SANE_ID.test(value) ? value : undefined;
}

/** The request id of a raw request: the caller's, if sane, or a new UUID (Fastify's `genReqId`). */
export function requestIdOf(request: IncomingMessage): string {
  return saneId(request.headers[REQUEST_ID_HEADER]) ?? randomUUID();
}

/** The trace id of a request: the caller's, if sane, or 32 random hex digits (W3C trace id size). */
export function traceIdOf(headers: IncomingMessage['headers']): string {
  return saneId(headers[TRACE_ID_HEADER]) ?? randomBytes(16).toString('hex');
}
