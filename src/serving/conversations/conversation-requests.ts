// The request bodies of the conversation routes, validated with zod; a body that fails becomes a
// 400 `request_invalid` naming each bad field.

import { z } from 'zod';
import { CHAT_WORLD_NAMES } from '../../environments/chat-world.js';
import { StatesetError } from '../../errors.js';

/** Limits the bodies are checked against (from the server configuration). */
export type RequestLimits = {
  readonly maxMessageChars: number;
  readonly maxTokensLimit: number;
};

/** Sampling settings a conversation uses for every model call. */
const samplingSchema = (limits: RequestLimits) =>
  z.strictObject({
    temperature: z.number().min(0).max(2).optional(),
    topP: z.number().gt(0).max(1).optional(),
    maxTokens: z.number().int().min(1).max(limits.maxTokensLimit).optional(),
    seed: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional(),
  });

const content = (limits: RequestLimits) => z.string().min(1).max(limits.maxMessageChars);

/** `POST /v1/conversations`. */
export const createConversationBody = (limits: RequestLimits) =>
  z.strictObject({
    environment: z.enum(CHAT_WORLD_NAMES),
    /** Replaces the world's system prompt. */
    system: z.string().max(limits.maxMessageChars).optional(),
    metadata: z.record(z.string(), z.unknown()).optional(),
    sampling: samplingSchema(limits).optional(),
    /** A first user message, answered in the same request. */
    message: content(limits).optional(),
  });

/** `POST /v1/conversations/{id}/messages`. */
export const messageBody = (limits: RequestLimits) => z.strictObject({ content: content(limits) });

/** `POST /v1/conversations/{id}/feedback`: a rating in [-1, 1] or 1–5 stars (stored as (stars − 3) / 2). */
export const feedbackBody = z
  .strictObject({
    rating: z.number().min(-1).max(1).optional(),
    stars: z.number().int().min(1).max(5).optional(),
    comment: z.string().max(4000).optional(),
  })
  .refine((body) => (body.rating === undefined) !== (body.stars === undefined), {
    message: 'give exactly one of rating (-1 … 1) or stars (1 … 5)',
  });

/** The body parsed by `schema`; throws StatesetError('request_invalid') naming every problem. */
export function parseBody<S extends z.ZodType>(schema: S, body: unknown): z.output<S> {
  const parsed = schema.safeParse(body ?? {});
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => {
    const where = issue.path.length === 0 ? 'body' : issue.path.map(String).join('.');
    return `${where}: ${issue.message}`;
  });
  throw new StatesetError('request_invalid', `invalid request body: ${problems.join('; ')}`);
}
