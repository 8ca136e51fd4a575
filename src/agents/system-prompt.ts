// Composing the system message a policy sees from the agent's own prompt, the environment's system
// message and any tool descriptions.

import type { Message } from '../conversation/messages.js';

/** Text to put around the conversation's system message. */
export type SystemPromptParts = {
  /** Goes first (the agent's own instructions). */
  readonly before?: string;
  /** Goes last (tool descriptions). */
  readonly after?: string;
};

/**
 * `messages` with one system message first whose content is `before`, the conversation's own system
 * content (when its first message is a system message), and `after`, joined by blank lines. Empty
 * parts are left out; with none, `messages` is returned as is.
 */
export function composeSystemPrompt(
  messages: readonly Message[],
  parts: SystemPromptParts,
): readonly Message[] {
  const hasSystem = messages[0]?.role === 'system';
  const pieces = [parts.before, hasSystem ? messages[0].content : undefined, parts.after].filter(
    (piece): piece is string => piece !== undefined && piece.length > 0,
  );
  if ((parts.before ?? '') === '' && (parts.after ?? '') === '') return messages;
  const rest = hasSystem ? messages.slice(1) : messages;
  return [{ role: 'system', content: pieces.join('\n\n') }, ...rest];
}
