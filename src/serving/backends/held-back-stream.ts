// Streaming a reply's text while it is generated without ever showing markup the final reply drops:
// text that is, or may become, a tool-call block or a stop string is held back until it is decided.

import type { CompletionDelta } from '../chat-backend.js';
import { TOOL_CALL_OPEN } from '../../conversation/tool-call-format.js';

/** The markers tool-call parsing removes: a block, and the newline the parser drops before it. */
export const TOOL_CALL_MARKERS: readonly string[] = [`\n${TOOL_CALL_OPEN}`, TOOL_CALL_OPEN];

/**
 * How many leading characters of `text` are safe to show: all of them up to the first occurrence of
 * any marker, and none of a trailing piece that could still grow into a marker.
 */
export function streamableLength(text: string, markers: readonly string[]): number {
  let limit = text.length;
  for (const marker of markers) {
    if (marker.length === 0) continue;
    const found = text.indexOf(marker);
    if (found >= 0) limit = Math.min(limit, found);
    for (let size = Math.min(marker.length - 1, text.length); size > 0; size--) {
      if (text.endsWith(marker.slice(0, size))) {
        limit = Math.min(limit, text.length - size);
        break;
      }
    }
  }
  return limit;
}

/** Options of a held-back stream. */
export type HeldBackStreamOptions = {
  /** Text that must never be streamed (tool-call openers, stop strings). */
  readonly markers: readonly string[];
  /** Receives each piece; may be async, and pieces are delivered one after another in order. */
  readonly onDelta: (delta: CompletionDelta) => void | PromiseLike<void>;
};

/**
 * Streams a growing text through `onDelta`, holding back what `streamableLength` does not allow.
 * `update` takes the whole text so far (each call extends the last); `finish` takes the final
 * content, which begins with everything streamed, and sends the rest.
 */
export class HeldBackStream {
  private sent = '';
  private delivery: Promise<void> = Promise.resolve();
  private failure: { readonly error: unknown } | undefined;

  constructor(private readonly options: HeldBackStreamOptions) {}

  /** Whether any text has been handed to `onDelta`. */
  get started(): boolean {
    return this.sent.length > 0;
  }

  /** The first error `onDelta` threw or rejected with, if any (the stream sends nothing after it). */
  get error(): { readonly error: unknown } | undefined {
    return this.failure;
  }

  /** Sends whatever of `text` became safe to show. */
  update(text: string): void {
    const safe = text.slice(0, streamableLength(text, this.options.markers));
    if (safe.length > this.sent.length && safe.startsWith(this.sent)) this.send(safe);
  }

  /**
   * Sends the rest of `content` and resolves when every piece has been delivered; rejects with the
   * first error of `onDelta`. Content that does not begin with what was sent (it cannot, for content
   * parsed from the streamed text) sends nothing more.
   */
  async finish(content: string): Promise<void> {
    if (content.length > this.sent.length && content.startsWith(this.sent)) this.send(content);
    await this.delivery;
    if (this.failure !== undefined) throw this.failure.error;
  }

  private send(upTo: string): void {
    if (this.failure !== undefined) return;
    const piece = upTo.slice(this.sent.length);
    this.sent = upTo;
    this.delivery = this.delivery
      .then(() => (this.failure === undefined ? this.options.onDelta({ content: piece }) : undefined))
      .catch((error: unknown) => {
        this.failure ??= { error };
      });
  }
}
