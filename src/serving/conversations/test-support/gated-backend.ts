// Test support: a ChatBackend wrapper that holds every call until the test opens the gate, so a
// test can act while a turn is in flight (a second message, a DELETE) without timing guesses.

import type { BackendReadiness, ChatBackend, Completion, CompletionRequest } from '../../chat-backend.js';

/** Wraps `inner`; while closed, calls wait (and `entered` resolves when one is waiting). */
export class GatedBackend implements ChatBackend {
  readonly modelId: string;
  /** The request of the last call that waited at the gate. */
  waiting: CompletionRequest | undefined;
  #open = true;
  #release: (() => void) | undefined;
  #gate: Promise<void> = Promise.resolve();
  #entered: (() => void) | undefined;

  constructor(private readonly inner: ChatBackend) {
    this.modelId = inner.modelId;
  }

  close(): Promise<void> {
    return this.inner.close();
  }

  /** Holds the next calls; the promise resolves when a call is waiting at the gate. */
  hold(): Promise<void> {
    this.#open = false;
    this.#gate = new Promise((resolve) => (this.#release = resolve));
    return new Promise((resolve) => (this.#entered = resolve));
  }

  /** Lets every waiting and later call through. */
  release(): void {
    this.#open = true;
    this.#release?.();
  }

  readiness(): BackendReadiness {
    return this.inner.readiness();
  }

  async complete(request: CompletionRequest): Promise<Completion> {
    if (!this.#open) {
      this.waiting = request;
      this.#entered?.();
      await this.#gate;
    }
    return this.inner.complete(request);
  }
}
