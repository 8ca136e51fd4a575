// Test support: a ChatBackend that wraps a real one and fails on command (errors, hangs, a stream that
// breaks after its first piece, a hold until released), so resilience tests exercise real calls.

import type { ErrorCode } from '../../../error-catalogue.js';
import type { BackendReadiness, ChatBackend, Completion, CompletionRequest } from '../../chat-backend.js';
import { BackendError, requestAborted } from '../../backends/backend-error.js';

/** What one call does instead of (or before) reaching the inner backend. */
export type Fault =
  /** Fails at once with this code (default a retryable `policy_unavailable`). */
  | { readonly kind: 'error'; readonly code?: ErrorCode; readonly retryable?: boolean }
  /** Never answers; rejects with `request_aborted` when its signal aborts (as a real call does). */
  | { readonly kind: 'hang' }
  /** Streams `content` as one delta, then fails with a retryable `policy_unavailable`. */
  | { readonly kind: 'break_stream'; readonly content: string }
  /** Waits for `until`, then calls the inner backend. */
  | { readonly kind: 'hold'; readonly until: Promise<void> }
  /** Ignores its signal: waits for `until`, streams `content` as one delta, then fails. */
  | { readonly kind: 'late_stream'; readonly until: Promise<void>; readonly content: string };

/** A real backend with failures injected in front of it. */
export class FaultInjectingBackend implements ChatBackend {
  readonly modelId: string;
  /** Faults for the next calls, one per call, in order; when empty, calls reach the inner backend. */
  readonly faults: Fault[] = [];
  /** Applied to every call while set and `faults` is empty. */
  standing: Fault | undefined;
  /** Calls received, and how many reached the inner backend. */
  calls = 0;
  innerCalls = 0;
  private readonly running = new Set<Promise<unknown>>();

  constructor(private readonly inner: ChatBackend) {
    this.modelId = inner.modelId;
  }

  /** Queues faults for the next calls. */
  failNext(...faults: Fault[]): this {
    this.faults.push(...faults);
    return this;
  }

  /** Applies `fault` to every call until `heal`. */
  failAlways(fault: Fault): this {
    this.standing = fault;
    return this;
  }

  /** Clears every fault: calls reach the inner backend again. */
  heal(): this {
    this.faults.length = 0;
    this.standing = undefined;
    return this;
  }

  readiness(): BackendReadiness {
    return this.inner.readiness();
  }

  /** Resolves once every call made so far has settled (including ones their caller gave up on). */
  async idle(): Promise<void> {
    await Promise.allSettled([...this.running]);
  }

  complete(request: CompletionRequest): Promise<Completion> {
    const call = this.call(request);
    this.running.add(call);
    void call.then(
      () => this.running.delete(call),
      () => this.running.delete(call),
    );
    return call;
  }

  private async call(request: CompletionRequest): Promise<Completion> {
    this.calls++;
    const fault = this.faults.shift() ?? this.standing;
    switch (fault?.kind) {
      case undefined:
        break;
      case 'error':
        throw new BackendError(
          fault.code ?? 'policy_unavailable',
          `injected ${fault.code ?? 'policy_unavailable'}`,
          {
            retryable: fault.retryable ?? true,
          },
        );
      case 'hang':
        return new Promise<never>((_resolve, reject) => {
          const { signal } = request;
          if (signal?.aborted === true) reject(requestAborted('The injected hang', signal));
          signal?.addEventListener('abort', () => reject(requestAborted('The injected hang', signal)));
        });
      case 'break_stream':
        await request.onDelta?.({ content: fault.content });
        throw new BackendError('policy_unavailable', 'injected: the stream broke off', { retryable: true });
      case 'hold':
        await fault.until;
        break;
      case 'late_stream':
        await fault.until;
        await request.onDelta?.({ content: fault.content });
        throw new BackendError('policy_unavailable', 'injected: a late stream', { retryable: true });
    }
    this.innerCalls++;
    return this.inner.complete(request);
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
