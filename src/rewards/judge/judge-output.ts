// Parses and checks the judge's answer: JSON with exactly one score in [0, 1] per conversation id.
// Anything else is a failed parse with a reason, never a default score.

import { z } from 'zod';

/** One conversation's verdict. */
export type JudgeScore = { readonly id: string; readonly score: number; readonly explanation: string };

/** The verdicts in the order of the ids asked for, or why the answer is unusable. */
export type JudgeOutputResult =
  | { readonly ok: true; readonly value: readonly JudgeScore[] }
  | { readonly ok: false; readonly error: string };

const JudgeOutputSchema = z.object({
  scores: z.array(
    z.object({
      id: z.string(),
      score: z.number(),
      explanation: z.string().optional(),
    }),
  ),
});

/** Most output shown in an error message. */
const EXCERPT_CHARS = 200;

/**
 * Reads `text` as `{"scores": [{"id", "score", "explanation"?}]}` (a Markdown code fence around it is
 * tolerated) and checks: every id in `ids` exactly once, no other id, every score finite in [0, 1].
 */
export function parseJudgeOutput(text: string, ids: readonly string[]): JudgeOutputResult {
  const fail = (error: string): JudgeOutputResult => ({ ok: false, error });
  let json: unknown;
  try {
    json = JSON.parse(stripCodeFence(text));
  } catch {
    return fail(`not JSON: ${excerpt(text)}`);
  }
  const parsed = JudgeOutputSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return fail(
      `not the scores JSON asked for (${issue.path.join('.') || 'root'}: ${issue.message}): ${excerpt(text)}`,
    );
  }
  const expected = new Set(ids);
  const byId = new Map<string, JudgeScore>();
  for (const entry of parsed.data.scores) {
    if (!expected.has(entry.id)) return fail(`unknown id "${entry.id}" (expected ${ids.join(', ')})`);
    if (byId.has(entry.id)) return fail(`duplicate id "${entry.id}"`);
    if (!Number.isFinite(entry.score) || entry.score < 0 || entry.score > 1) {
      return fail(`score of "${entry.id}" is ${entry.score}, outside [0, 1]`);
    }
    byId.set(entry.id, { id: entry.id, score: entry.score, explanation: entry.explanation ?? '' });
  }
  const missing = ids.filter((id) => !byId.has(id));
  if (missing.length > 0) return fail(`missing ids ${missing.join(', ')}`);
  return { ok: true, value: ids.map((id) => byId.get(id) as JudgeScore) };
}

function stripCodeFence(text: string): string {
  const fenced = /^\s*```(?:json)?\s*\n([\s\S]*?)\n\s*```\s*$/i.exec(text);
  return fenced === null ? text : fenced[1];
}

function excerpt(text: string): string {
  const shown = text.length > EXCERPT_CHARS ? `${text.slice(0, EXCERPT_CHARS)}…` : text;
  return JSON.stringify(shown);
}
