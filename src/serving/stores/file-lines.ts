// Streams a text file line by line, saying whether each line ended in a newline, so a reader can
// tell a torn last line (a writer stopped mid-write) from a whole one.

import { createReadStream } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';

/** One line of a file: its 1-based number, its text without the newline, and whether it had one. */
export type FileLine = { readonly line: number; readonly text: string; readonly terminated: boolean };

/** The lines of the file at `path`, in order; a final line without a newline has `terminated` false. */
export async function* fileLines(path: string): AsyncGenerator<FileLine> {
  const decoder = new StringDecoder('utf8');
  let pending = '';
  let line = 0;
  for await (const chunk of createReadStream(path)) {
    pending += decoder.write(chunk as Buffer);
    let newline = pending.indexOf('\n');
    while (newline !== -1) {
      yield { line: ++line, text: pending.slice(0, newline), terminated: true };
      pending = pending.slice(newline + 1);
      newline = pending.indexOf('\n');
    }
  }
  pending += decoder.end();
  if (pending.length > 0) yield { line: line + 1, text: pending, terminated: false };
}
