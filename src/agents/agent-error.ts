// The error family of the agents layer: policies that cannot produce a turn, and scripts that ran out.

import type { ErrorCode } from '../error-catalogue.js';
import { StatesetError } from '../errors.js';

/** An agent or its policy could not produce a turn. */
export class AgentError extends StatesetError {}

/** A policy endpoint failed: timed out, kept failing, refused the request, or answered nonsense. */
export class PolicyError extends AgentError {
  /** HTTP status of the last failed attempt, when there was a response. */
  readonly status?: number;
  /** Requests made before giving up. */
  readonly attempts: number;

  constructor(
    code: ErrorCode,
    message: string,
    options: { readonly cause?: unknown; readonly status?: number; readonly attempts: number },
  ) {
    super(code, message, { cause: options.cause });
    this.status = options.status;
    this.attempts = options.attempts;
  }
}
