// Reads captured conversations, keeps those the filters select, and writes them as chat or
// trajectory JSONL: the step from served conversations back to `sft` and `train`.

import { mkdir, open, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { trajectoriesToJsonl } from '../../conversation/trajectory-jsonl.js';
import type { CapturedConversation } from '../../serving/trajectory-store.js';
import { chatLine } from './export-chat-line.js';
import { latestCaptures } from './export-latest-captures.js';
import { type DropReason, dropReason, type ExportFilters } from './export-selection.js';
import type { ExportSource } from './export-source.js';

/** Options of `exportTrainingData`. */
export type ExportTrainingDataOptions = ExportFilters & {
  readonly sources: readonly ExportSource[];
  readonly out: string;
  readonly format: 'chat' | 'trajectories';
  /** Most conversations to write; 0: all. */
  readonly limit: number;
};

/** What an export read, dropped and wrote. */
export type ExportSummary = {
  /** Conversations read (after merging repeated records of one conversation). */
  readonly read: number;
  /** Records dropped because a later record of the same conversation superseded them. */
  readonly merged: number;
  readonly written: number;
  readonly dropped: Readonly<Record<DropReason, number>>;
  /** True when writing stopped because `limit` conversations were written. */
  readonly reachedLimit: boolean;
};

/** Bytes gathered before each write to the output file. */
const WRITE_BUFFER_BYTES = 1 << 20;

/**
 * Writes the selected conversations to `out` (replacing it only once all are written). A conversation
 * captured several times (feedback after it finished) is written once, from its latest record.
 */
export async function exportTrainingData(options: ExportTrainingDataOptions): Promise<ExportSummary> {
  const dropped: Record<DropReason, number> = { otherEnvironment: 0, unrated: 0, belowRating: 0, noReply: 0 };
  let written = 0;
  let reachedLimit = false;
  const { records, merged } = await latestCaptures(options.sources.map((source) => source.store));
  await mkdir(dirname(options.out), { recursive: true });
  const temporary = `${options.out}.${process.pid}.tmp`;
  const file = await open(temporary, 'w');
  try {
    let buffered = '';
    for (const record of records) {
      const reason = dropReason(record, options);
      if (reason !== undefined) {
        dropped[reason]++;
        continue;
      }
      buffered += formatLine(record, options.format);
      written++;
      if (buffered.length >= WRITE_BUFFER_BYTES) {
        await file.appendFile(buffered, 'utf8');
        buffered = '';
      }
      if (options.limit > 0 && written >= options.limit) {
        reachedLimit = true;
        break;
      }
    }
    await file.appendFile(buffered, 'utf8');
    await file.sync();
    await file.close();
    await rename(temporary, options.out);
  } catch (error) {
    await file.close().catch(() => undefined);
    await rm(temporary, { force: true });
    throw error;
  }
  return { read: records.length, merged, written, dropped, reachedLimit };
}

/** One line of the output, with its newline. */
function formatLine(record: CapturedConversation, format: 'chat' | 'trajectories'): string {
  if (format === 'chat') return `${JSON.stringify(chatLine(record.trajectory.messages))}\n`;
  const { trajectory, feedback } = record;
  // The feedback travels in the metadata, which keeps unknown keys; the API key id stays behind.
  const metadata = feedback.length === 0 ? trajectory.metadata : { ...trajectory.metadata, feedback };
  return trajectoriesToJsonl([{ ...trajectory, metadata }]);
}
