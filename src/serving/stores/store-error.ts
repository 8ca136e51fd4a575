// The error family of the conversation and trajectory stores.

import { StatesetError } from '../../errors.js';

/** A store failed: unreachable (`store_unavailable`), a missing or taken id, a conflict, a corrupt line. */
export class StoreError extends StatesetError {}

/** The error for a conversation id that is absent or expired. */
export function conversationNotFound(id: string): StoreError {
  return new StoreError('conversation_not_found', `no conversation with id ${JSON.stringify(id)}`);
}

/** The error for creating a conversation whose id is taken. */
export function conversationExists(id: string): StoreError {
  return new StoreError('conversation_exists', `a conversation with id ${JSON.stringify(id)} already exists`);
}
