// Which captured conversations `export` keeps, and the count of each reason one was dropped.

import type { CapturedConversation } from '../../serving/trajectory-store.js';

/** The filters of `export`. */
export type ExportFilters = {
  /** Least latest rating to keep; null keeps rated and unrated alike. */
  readonly minRating: number | null;
  /** Environment to keep; empty keeps all. */
  readonly environment: string;
};

/** Why a conversation was dropped. */
export type DropReason = 'otherEnvironment' | 'unrated' | 'belowRating' | 'noReply';

/** The rating of a conversation: its latest feedback's, or undefined when it has none. */
export function latestRating(record: CapturedConversation): number | undefined {
  return record.feedback.at(-1)?.rating;
}

/** Why `record` is dropped, or undefined when it is kept. */
export function dropReason(record: CapturedConversation, filters: ExportFilters): DropReason | undefined {
  const { trajectory } = record;
  if (filters.environment !== '' && trajectory.metadata.environment !== filters.environment) {
    return 'otherEnvironment';
  }
  if (filters.minRating !== null) {
    const rating = latestRating(record);
    if (rating === undefined) return 'unrated';
    if (rating < filters.minRating) return 'belowRating';
  }
  // sft refuses a conversation with nothing to learn from.
  if (!trajectory.messages.some((message) => message.role === 'assistant')) return 'noReply';
  return undefined;
}
