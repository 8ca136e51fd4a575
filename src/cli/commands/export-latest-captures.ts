// The server appends a conversation's record again when feedback arrives after it finished, so one
// conversation can have several records; export keeps the one that supersedes the others.

import type { CapturedConversation } from '../../serving/trajectory-store.js';

/** The records read, one per trajectory id (in first-seen order), and how many repeats were merged. */
export type LatestCaptures = {
  readonly records: readonly CapturedConversation[];
  readonly merged: number;
};

/** Whether `next` supersedes `current`: more feedback, then a later capture time, then later in reading order. */
export function supersedes(next: CapturedConversation, current: CapturedConversation): boolean {
  if (next.feedback.length !== current.feedback.length) return next.feedback.length > current.feedback.length;
  return next.capturedAt >= current.capturedAt; // ISO 8601 UTC strings order as times
}

/** Reads every record of every store and keeps the latest per trajectory id. */
export async function latestCaptures(
  stores: readonly { read(): AsyncIterable<CapturedConversation> }[],
): Promise<LatestCaptures> {
  const byId = new Map<string, CapturedConversation>();
  let merged = 0;
  for (const store of stores) {
    for await (const record of store.read()) {
      const current = byId.get(record.trajectory.id);
      if (current === undefined) {
        byId.set(record.trajectory.id, record);
        continue;
      }
      merged++;
      if (supersedes(record, current)) byId.set(record.trajectory.id, record);
    }
  }
  return { records: [...byId.values()], merged };
}
