// Creates the folder of one run, `<parent>/<prefix>-<UTC timestamp>`, never reusing an existing one.

import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

/** Options of `createRunDirectory`. */
export type RunDirectoryOptions = {
  /** Folder that holds runs, created if missing (e.g. `runs`). */
  readonly parent: string;
  /** Name before the timestamp (e.g. `quickstart`). */
  readonly prefix: string;
  /** Time in the name; defaults to now. */
  readonly date?: Date;
};

/** Makes and returns `<parent>/<prefix>-YYYYMMDD-HHMMSS`, adding `-2`, `-3`, … when that exists. */
export function createRunDirectory(options: RunDirectoryOptions): string {
  mkdirSync(options.parent, { recursive: true });
  const stamp = (options.date ?? new Date())
    .toISOString()
    .replace(/[-:]/g, '')
    .replace('T', '-')
    .slice(0, 15);
  for (let attempt = 1; ; attempt++) {
    const path = join(options.parent, `${options.prefix}-${stamp}${attempt === 1 ? '' : `-${attempt}`}`);
    try {
      mkdirSync(path);
      return path;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
}
