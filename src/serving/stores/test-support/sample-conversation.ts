// A small conversation for store tests.

import type { NewConversation } from '../../conversation-store.js';

/** An active conversation with one user message, owned by `key-1`; `overrides` replace fields. */
export function sampleConversation(id: string, overrides: Partial<NewConversation> = {}): NewConversation {
  return {
    id,
    owner: 'key-1',
    agent: 'local:test',
    environment: 'support-lite',
    status: 'active',
    messages: [{ role: 'user', content: 'Where is my order?' }],
    turns: [],
    feedback: [],
    createdAt: '2025-01-01T00:00:00.000Z',
    updatedAt: '2025-01-01T00:00:00.000Z',
    ...overrides,
  };
}
