// The reply served instead of the model's while the backend is failing (graceful degradation).

import type { Completion, CompletionRequest } from '../chat-backend.js';

/** The default polite reply. */
export const DEFAULT_FALLBACK_MESSAGE =
  "I'm having trouble answering right now. Please try again in a moment.";

/**
 * A completion whose content is `message`, marked `degraded`, with no tokens counted. A streaming
 * request receives the message as its one delta.
 */
export async function fallbackCompletion(request: CompletionRequest, message: string): Promise<Completion> {
  await request.onDelta?.({ content: message });
  return {
    message: { role: 'assistant', content: message },
    finishReason: 'stop',
    usage: { promptTokens: 0, completionTokens: 0 },
    degraded: true,
  };
}
