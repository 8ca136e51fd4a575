// The one scripted part of the benchmarks, used only to measure framework overhead: a ChatBackend
// that answers every request at once with the same fixed reply, so that what remains of a request's
// time is HTTP, auth, validation, the resilience layer and serialisation.

import type { BackendReadiness, ChatBackend, Completion } from '../../src/serving/chat-backend.js';

/** Answers every completion immediately with `reply`; no model is involved. */
export class ZeroCostChatBackend implements ChatBackend {
  readonly modelId = 'zero-cost-scripted';

  constructor(private readonly reply: string) {}

  readiness(): BackendReadiness {
    return { ready: true };
  }

  async complete(): Promise<Completion> {
    return {
      message: { role: 'assistant', content: this.reply },
      finishReason: 'stop',
      usage: { promptTokens: 0, completionTokens: this.reply.length },
    };
  }

  async close(): Promise<void> {}
}
