// How long an idle conversation lives in a store, shared by the memory and Redis stores.

/** Default idle lifetime of a conversation: 24 hours, in milliseconds. */
export const DEFAULT_CONVERSATION_TTL_MS = 24 * 60 * 60 * 1000;
