// Reassembling a streamed chat completion from its chunks: content pieces, tool calls arriving in
// fragments by index, per-token logprobs, the finish reason and the final usage chunk.

import { z } from 'zod';
import type { TokenLogprob } from '../chat-backend.js';

/** The parts of a logprobs entry we read. */
export const LogprobEntrySchema = z.object({
  token: z.string(),
  logprob: z.number(),
  bytes: z.array(z.number().int()).nullish(),
});

/** The parts of a chunk we read; other fields are ignored. */
const ChunkSchema = z.object({
  choices: z
    .array(
      z.object({
        delta: z
          .object({
            content: z.string().nullish(),
            tool_calls: z
              .array(
                z.object({
                  index: z.number().int().min(0),
                  id: z.string().nullish(),
                  function: z
                    .object({ name: z.string().nullish(), arguments: z.string().nullish() })
                    .nullish(),
                }),
              )
              .nullish(),
          })
          .nullish(),
        finish_reason: z.string().nullish(),
        logprobs: z.object({ content: z.array(LogprobEntrySchema).nullish() }).nullish(),
      }),
    )
    .nullish(),
  usage: z.object({ prompt_tokens: z.number(), completion_tokens: z.number() }).nullish(),
});

/** One logprobs entry as TokenLogprob (bytes from the token text when the upstream sends none). */
export function toTokenLogprob(entry: z.output<typeof LogprobEntrySchema>): TokenLogprob {
  return {
    token: entry.token,
    logprob: entry.logprob,
    bytes: entry.bytes ?? [...Buffer.from(entry.token, 'utf8')],
  };
}

/** Collects the chunks of one streamed completion (first choice only). */
export class ChunkAccumulator {
  /** The content so far. */
  content = '';
  readonly logprobs: TokenLogprob[] = [];
  private readonly calls: { id?: string; name: string; arguments: string }[] = [];
  private finish: string | undefined;
  private usage: { prompt_tokens: number; completion_tokens: number } | undefined;

  /** Adds one chunk; `{ ok: false }` with the reason when it is malformed. */
  add(chunk: unknown): { readonly ok: true } | { readonly ok: false; readonly error: string } {
    const parsed = ChunkSchema.safeParse(chunk);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      return { ok: false, error: `chunk ${issue.path.join('.') || '(body)'}: ${issue.message}` };
    }
    this.usage = parsed.data.usage ?? this.usage;
    const choice = parsed.data.choices?.[0];
    if (choice === undefined) return { ok: true };
    this.content += choice.delta?.content ?? '';
    for (const fragment of choice.delta?.tool_calls ?? []) {
      const call = (this.calls[fragment.index] ??= { name: '', arguments: '' });
      if (fragment.id !== undefined && fragment.id !== null) call.id = fragment.id;
      call.name += fragment.function?.name ?? '';
      call.arguments += fragment.function?.arguments ?? '';
    }
    for (const entry of choice.logprobs?.content ?? []) this.logprobs.push(toTokenLogprob(entry));
    this.finish = choice.finish_reason ?? this.finish;
    return { ok: true };
  }

  /** The whole completion as a non-streamed response body, for `readChatCompletion`. */
  body(): Record<string, unknown> {
    const toolCalls = this.calls
      .filter((call) => call !== undefined)
      .map((call) => ({
        id: call.id,
        type: 'function',
        function: { name: call.name, arguments: call.arguments },
      }));
    return {
      choices: [
        {
          finish_reason: this.finish ?? null,
          message: { content: this.content, ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}) },
        },
      ],
      ...(this.usage === undefined ? {} : { usage: this.usage }),
    };
  }
}
