// The run's metrics file: one JSON object per step, appended as steps finish. On resume, lines past
// the checkpoint (and a line cut short by a kill) are dropped so that the log continues seamlessly.

import { appendFile, readFile } from 'node:fs/promises';
import { writeFileAtomic } from '../engine/atomic-file.js';
import { StatesetError } from '../errors.js';

/** One line of the log: `step` and metrics by their slash names. */
export type MetricsLine = Readonly<Record<string, number>> & { readonly step: number };

/** Appends one line; throws StatesetError('invalid_argument') for a non-finite value (JSON cannot hold it). */
export async function appendMetrics(path: string, line: MetricsLine): Promise<void> {
  for (const [name, value] of Object.entries(line)) {
    if (!Number.isFinite(value))
      throw new StatesetError('invalid_argument', `metric ${name} of step ${line.step} is ${value}`);
  }
  await appendFile(path, `${JSON.stringify(line)}\n`, 'utf8');
}

/** Every complete line of the log, in order (a missing file is an empty log). */
export async function readMetrics(path: string): Promise<MetricsLine[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const lines: MetricsLine[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    try {
      const value: unknown = JSON.parse(line);
      if (typeof value === 'object' && value !== null && typeof (value as MetricsLine).step === 'number')
        lines.push(value as MetricsLine);
    } catch {
      // a line cut short by a kill mid-write: everything after it is past any checkpoint anyway
      break;
    }
  }
  return lines;
}

/** Rewrites the log atomically with only the lines of steps ≤ `step`. */
export async function truncateMetrics(path: string, step: number): Promise<void> {
  const kept = (await readMetrics(path)).filter((line) => line.step <= step);
  await writeFileAtomic(path, kept.map((line) => `${JSON.stringify(line)}\n`).join(''));
}
