// Text of a reply while its tokens arrive, for any tokenizer: each new token is decoded in a short
// window of the tokens before it (the incremental detokenisation of Hugging Face's TextStreamer and
// vLLM), so a character split over several tokens or a word-initial space is never shown half-made.

import type { Tokenizer } from '../../models/tokenizers/tokenizer.js';

/** What a decode shows while a multi-byte character is still incomplete. */
const INCOMPLETE = '\uFFFD';

/**
 * Accumulates decoded text token by token. `push` returns the whole text so far; a token whose text
 * is not yet decidable (it ends in an unfinished character) adds nothing until a later token does.
 * Each push decodes only the tokens since the last emitted piece and the piece before it.
 */
export class IncrementalDetokenizer {
  private readonly tokens: number[] = [];
  /** Start of the window decoded for context (the tokens of the previous emitted piece). */
  private prefixOffset = 0;
  /** End of what has been emitted as text. */
  private readOffset = 0;
  private emitted = '';

  constructor(private readonly tokenizer: Pick<Tokenizer, 'decode'>) {}

  /** The text emitted so far. */
  get text(): string {
    return this.emitted;
  }

  /** Adds one token; returns the text so far. */
  push(id: number): string {
    this.tokens.push(id);
    const prefix = this.decode(this.tokens.slice(this.prefixOffset, this.readOffset));
    const full = this.decode(this.tokens.slice(this.prefixOffset));
    if (full.length > prefix.length && !full.endsWith(INCOMPLETE)) {
      this.emitted += full.slice(prefix.length);
      this.prefixOffset = this.readOffset;
      this.readOffset = this.tokens.length;
    }
    return this.emitted;
  }

  /** Hugging Face's library refuses to decode no ids at all. */
  private decode(ids: readonly number[]): string {
    return ids.length === 0 ? '' : this.tokenizer.decode(ids);
  }
}
