// Trajectories as JSON Lines, one trajectory per line, lossless: every number is written in its
// shortest exact form and read back bit for bit, negative zero included (written `-0`, which
// JSON.parse reads as -0). Non-finite numbers have no JSON form and are refused when writing.

import { appendFile, readFile } from 'node:fs/promises';
import { writeFileAtomic } from '../engine/atomic-file.js';
import { ConversationError } from './conversation-error.js';
import type { Trajectory } from './trajectory.js';
import { TrajectorySchema } from './trajectory-schema.js';

/** Where a JSONL text went wrong: the 1-based line and what is wrong there. */
export type JsonlLineError = { readonly line: number; readonly message: string };

/** The result of parsing JSONL text. */
export type TrajectoriesParse =
  | { readonly ok: true; readonly value: Trajectory[] }
  | { readonly ok: false; readonly error: JsonlLineError };

/** Options of `writeTrajectoriesJsonl`. */
export type WriteTrajectoriesOptions = {
  readonly path: string;
  readonly trajectories: readonly Trajectory[];
  /** Append to the file instead of replacing it atomically. Default false. */
  readonly append?: boolean;
};

/** Where `readTrajectoriesJsonl` reads from: a file, or JSONL text. */
export type ReadTrajectoriesSource = { readonly path: string } | { readonly text: string };

/**
 * One line per trajectory, each ending in a newline. Throws ConversationError('invalid_trajectory')
 * naming the trajectory and field when one does not match the schema or holds a non-finite number.
 */
export function trajectoriesToJsonl(trajectories: readonly Trajectory[]): string {
  return trajectories
    .map((trajectory, index) => {
      const checked = TrajectorySchema.safeParse(trajectory);
      if (!checked.success) {
        const issue = checked.error.issues[0];
        throw new ConversationError(
          'invalid_trajectory',
          `trajectory ${index} (${String(trajectory.id)}): ${issue.path.join('.') || '(root)'}: ${issue.message}`,
        );
      }
      return `${exactJson(trajectory, `trajectory ${index}`)}\n`;
    })
    .join('');
}

/** Parses JSONL text (blank lines skipped), validating each line; the first bad line is the error. */
export function parseTrajectoriesJsonl(text: string): TrajectoriesParse {
  const trajectories: Trajectory[] = [];
  const lines = text.split('\n');
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index].trim();
    if (line.length === 0) continue;
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch (error) {
      return { ok: false, error: { line: index + 1, message: `invalid JSON: ${(error as Error).message}` } };
    }
    const parsed = TrajectorySchema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const message = `${issue.path.join('.') || '(root)'}: ${issue.message}`;
      return { ok: false, error: { line: index + 1, message } };
    }
    trajectories.push(parsed.data);
  }
  return { ok: true, value: trajectories };
}

/** Writes trajectories as JSONL (atomically unless appending); see `trajectoriesToJsonl`. */
export async function writeTrajectoriesJsonl(options: WriteTrajectoriesOptions): Promise<void> {
  const text = trajectoriesToJsonl(options.trajectories);
  if (options.append === true) await appendFile(options.path, text, 'utf8');
  else await writeFileAtomic(options.path, text);
}

/**
 * Reads trajectories from a JSONL file or text. Throws ConversationError('invalid_trajectory')
 * naming the file (when any) and line of the first malformed line.
 */
export async function readTrajectoriesJsonl(source: ReadTrajectoriesSource): Promise<Trajectory[]> {
  const where = 'path' in source ? source.path : 'JSONL text';
  const text = 'path' in source ? await readFile(source.path, 'utf8') : source.text;
  const parsed = parseTrajectoriesJsonl(text);
  if (!parsed.ok) {
    throw new ConversationError(
      'invalid_trajectory',
      `${where}:${parsed.error.line}: ${parsed.error.message}`,
    );
  }
  return parsed.value;
}

/** JSON text like JSON.stringify's, but `-0` for negative zero and an error for non-finite numbers. */
function exactJson(value: unknown, path: string): string {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) {
      throw new ConversationError('invalid_trajectory', `${path} is ${value}, which JSON cannot hold.`);
    }
    return Object.is(value, -0) ? '-0' : JSON.stringify(value);
  }
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return JSON.stringify(value);
  if (Array.isArray(value)) {
    return `[${value.map((item: unknown, index) => (item === undefined ? 'null' : exactJson(item, `${path}[${index}]`))).join(',')}]`;
  }
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, item]) => item !== undefined);
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${exactJson(item, `${path}.${key}`)}`).join(',')}}`;
  }
  throw new ConversationError('invalid_trajectory', `${path} is a ${typeof value}, which JSON cannot hold.`);
}
