// Where a CLI run writes and what it reads, injectable so commands run in-process under tests.

/** A text sink such as `process.stdout`; `isTTY` turns on live single-line progress. */
export interface CliOutput {
  write(text: string): unknown;
  readonly isTTY?: boolean;
}

/** The streams and environment one CLI run uses. */
export type CliIo = {
  readonly stdout: CliOutput;
  readonly stderr: CliOutput;
  /** Lines typed by the user, for interactive commands (`chat`); default `process.stdin`. */
  readonly stdin?: NodeJS.ReadableStream;
  /** Environment read for `STATESET_*` settings. */
  readonly env: Readonly<Record<string, string | undefined>>;
};

/** The process's own streams and environment. */
export function processIo(): CliIo {
  return { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env };
}
