// The end of a stream's output, kept in bounded memory: the last `limit` characters of everything
// written, for error reports of a worker process.

/** Keeps the last `limit` characters appended. */
export class OutputTail {
  #text = '';

  constructor(private readonly limit: number) {}

  /** Appends a chunk (decoded as UTF-8 when it is bytes). */
  append(chunk: string | Buffer): void {
    this.#text += typeof chunk === 'string' ? chunk : chunk.toString('utf8');
    // Trimming only past twice the limit keeps appends amortised O(chunk).
    if (this.#text.length > 2 * this.limit) this.#text = this.#text.slice(-this.limit);
  }

  /** The last `limit` characters. */
  text(): string {
    return this.#text.slice(-this.limit);
  }
}
