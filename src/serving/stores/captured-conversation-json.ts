// One captured conversation as one line of JSON: the trajectory in the exact form of
// trajectory-jsonl.ts (shortest exact numbers, -0 kept), then its feedback, owner and capture time.

import { z } from 'zod';
import { ConversationError } from '../../conversation/conversation-error.js';
import { trajectoriesToJsonl } from '../../conversation/trajectory-jsonl.js';
import { TrajectorySchema } from '../../conversation/trajectory-schema.js';
import type { CapturedConversation } from '../trajectory-store.js';

const finite = z.number().refine(Number.isFinite, 'must be a finite number');

/** A user's rating of a conversation, as stored. */
export const FeedbackSchema = z.strictObject({
  rating: finite,
  comment: z.string().optional(),
  at: z.string(),
});

/** A captured conversation, as stored. */
export const CapturedConversationSchema = z.strictObject({
  trajectory: TrajectorySchema,
  feedback: z.array(FeedbackSchema),
  owner: z.string(),
  capturedAt: z.string(),
}) satisfies z.ZodType<CapturedConversation>;

/** A stored line that a reader could not use: its 1-based number and what is wrong with it. */
export type InvalidLine = { readonly line: number; readonly message: string };

/** The result of parsing one line. */
export type CapturedLineParse =
  | { readonly ok: true; readonly value: CapturedConversation }
  | { readonly ok: false; readonly error: string };

/**
 * The record as JSON text without a newline. Throws ConversationError('invalid_trajectory') for a
 * trajectory or feedback that does not match the schema.
 */
export function capturedConversationJson(record: CapturedConversation): string {
  const trajectory = trajectoriesToJsonl([record.trajectory]).trimEnd();
  const rest = CapturedConversationSchema.omit({ trajectory: true }).safeParse({
    feedback: record.feedback,
    owner: record.owner,
    capturedAt: record.capturedAt,
  });
  if (!rest.success) {
    const issue = rest.error.issues[0];
    throw new ConversationError(
      'invalid_trajectory',
      `captured conversation ${record.trajectory.id}: ${issue.path.join('.')}: ${issue.message}`,
    );
  }
  return `{"trajectory":${trajectory},"feedback":${JSON.stringify(record.feedback)},"owner":${JSON.stringify(record.owner)},"capturedAt":${JSON.stringify(record.capturedAt)}}`;
}

/** Parses and validates one line; the error names the field. */
export function parseCapturedConversation(line: string): CapturedLineParse {
  let json: unknown;
  try {
    json = JSON.parse(line);
  } catch (error) {
    return { ok: false, error: `invalid JSON: ${(error as Error).message}` };
  }
  const parsed = CapturedConversationSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { ok: false, error: `${issue.path.join('.') || '(line)'}: ${issue.message}` };
  }
  return { ok: true, value: parsed.data };
}
