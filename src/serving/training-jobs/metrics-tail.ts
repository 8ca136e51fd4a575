// The latest line of a run's metrics.jsonl, read from the end of the file so that a long run's log
// costs one small read: the job routes call it on every status request.

import { open } from 'node:fs/promises';
import type { MetricsLine } from '../../training/metrics-log.js';

/** How much of the file's end is read; a metrics line is a few kilobytes at most. */
const TAIL_BYTES = 64 * 1024;

/**
 * The last complete line of the log at `path`, or undefined when there is none yet (no file, empty,
 * or only a line still being written). A line that is not a metrics object is skipped for the one before.
 */
export async function readLatestMetrics(path: string): Promise<MetricsLine | undefined> {
  let file;
  try {
    file = await open(path, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  try {
    const { size } = await file.stat();
    const length = Math.min(size, TAIL_BYTES);
    const buffer = Buffer.alloc(length);
    await file.read(buffer, 0, length, size - length);
    const text = buffer.toString('utf8');
    // Only lines ended by a newline are complete; the first may be cut by the read window.
    const lines = text.slice(0, text.lastIndexOf('\n') + 1).split('\n');
    if (length < size) lines.shift();
    for (let index = lines.length - 1; index >= 0; index--) {
      const line = parseLine(lines[index]);
      if (line !== undefined) return line;
    }
    return undefined;
  } finally {
    await file.close();
  }
}

function parseLine(text: string): MetricsLine | undefined {
  if (text.trim() === '') return undefined;
  try {
    const value: unknown = JSON.parse(text);
    const isLine =
      typeof value === 'object' && value !== null && typeof (value as { step?: unknown }).step === 'number';
    return isLine ? (value as MetricsLine) : undefined;
  } catch {
    return undefined;
  }
}
