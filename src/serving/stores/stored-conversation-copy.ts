// Copies of stored conversations, so callers never hold a reference into a store's state.

import type { StoredConversation } from '../conversation-store.js';
import { StoreError } from './store-error.js';

/** A deep copy of `conversation` (plain JSON data, so structuredClone is exact). */
export function copyConversation<T extends Omit<StoredConversation, 'version'>>(conversation: T): T {
  return structuredClone(conversation);
}

/**
 * The value an update stores: what `mutate` returned, with the id kept and the version set by the
 * store, so a mutator can neither move a conversation nor forge its version.
 */
export function nextVersion(current: StoredConversation, mutated: StoredConversation): StoredConversation {
  return { ...copyConversation(mutated), id: current.id, version: current.version + 1 };
}

/**
 * The JSON text a store keeps. Throws StoreError('invalid_argument') for a non-finite number, which
 * JSON.stringify would silently turn into null.
 */
export function conversationJson(conversation: StoredConversation): string {
  return JSON.stringify(conversation, (key, value: unknown) => {
    if (typeof value === 'number' && !Number.isFinite(value)) {
      throw new StoreError(
        'invalid_argument',
        `conversation field ${key} is ${value}, which JSON cannot hold`,
      );
    }
    return value;
  });
}
