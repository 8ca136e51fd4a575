// `stateset-agents export FROM --out FILE`: turns captured production conversations into training
// data: chat JSONL for `sft --data`, or trajectory JSONL with the exact tokens and feedback.

import { ConfigError } from '../../errors.js';
import { defineCommand } from '../command.js';
import { ExportConfigSchema } from './export-config.js';
import { openExportSources } from './export-source.js';
import { type ExportSummary, exportTrainingData } from './export-training-data.js';

/** The `export` command: exit 1 naming the file and line of a malformed record unless --skip-invalid. */
export const exportCommand = defineCommand({
  name: 'export',
  summary: 'Export captured conversations as training data (chat JSONL for sft, or trajectories).',
  schema: ExportConfigSchema,
  positional: 'from',
  run: async (config, io) => {
    if (config.from === '' || config.out === '') {
      throw new ConfigError(
        'invalid_config',
        'export needs a store and a file: stateset-agents export FROM --out FILE',
      );
    }
    let skipped = 0;
    const sources = await openExportSources({
      from: config.from,
      redisKey: config.redisKey,
      onInvalidLine: config.skipInvalid
        ? (where, invalid) => {
            skipped++;
            io.stderr.write(`skipped ${where}:${invalid.line}: ${invalid.message}\n`);
          }
        : undefined,
    });
    let summary: ExportSummary;
    try {
      summary = await exportTrainingData({ ...config, sources });
    } finally {
      await Promise.all(sources.map((source) => source.store.close()));
    }
    io.stdout.write(summaryText(summary, skipped, config));
  },
});

function summaryText(
  summary: ExportSummary,
  skipped: number,
  config: {
    readonly out: string;
    readonly format: string;
    readonly minRating: number | null;
    readonly environment: string;
  },
): string {
  const { dropped } = summary;
  const lines = [`read ${summary.read} conversations`];
  if (summary.merged > 0) lines.push(`merged ${summary.merged} repeated records (feedback after the end)`);
  if (skipped > 0) lines.push(`skipped ${skipped} malformed lines`);
  if (config.environment !== '') lines.push(`dropped ${dropped.otherEnvironment} from other environments`);
  if (config.minRating !== null) {
    lines.push(`dropped ${dropped.belowRating} rated below ${config.minRating}, ${dropped.unrated} unrated`);
  }
  if (dropped.noReply > 0) lines.push(`dropped ${dropped.noReply} with no assistant reply`);
  const limit = summary.reachedLimit ? ', the --limit' : '';
  lines.push(`wrote ${summary.written} conversations (${config.format}${limit}) to ${config.out}`);
  return `${lines.join('\n')}\n`;
}
