// The trajectory store contract: finished conversations captured with their token-level record and
// feedback, the loop from production back to training (`stateset-agents export`).

import type { Trajectory } from '../conversation/trajectory.js';
import type { Feedback } from './conversation-store.js';

/** One captured conversation. */
export type CapturedConversation = {
  readonly trajectory: Trajectory;
  readonly feedback: readonly Feedback[];
  /** Id of the API key that owned the conversation. */
  readonly owner: string;
  /** ISO 8601 time of capture. */
  readonly capturedAt: string;
};

/** Append-only storage of captured conversations. */
export interface TrajectoryStore {
  append(record: CapturedConversation): Promise<void>;
  /** Every record, oldest first. */
  read(): AsyncIterable<CapturedConversation>;
  /** Makes everything appended so far durable (graceful shutdown calls it). */
  flush(): Promise<void>;
  ping(): Promise<void>;
  close(): Promise<void>;
}
