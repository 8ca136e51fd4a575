// `stateset-agents report RUN_DIR`: writes the run folder's self-contained report.html (curves,
// before/after evaluation, sample conversations) and prints its path.

import { z } from 'zod';
import { ConfigError } from '../../errors.js';
import { DEFAULT_SAMPLE_GROUPS } from '../../training/report/sample-conversations.js';
import { writeRunReport } from '../../training/report/write-run-report.js';
import { defineCommand } from '../command.js';

/** Flags of `report`. */
export const ReportConfigSchema = z.object({
  runDir: z
    .string()
    .default('')
    .describe(
      'The run folder, also given as the first argument: metrics.jsonl, config.json, samples/ (required).',
    ),
  sampleGroups: z
    .number()
    .int()
    .min(1)
    .default(DEFAULT_SAMPLE_GROUPS)
    .describe('Sample groups shown, each by its highest- and lowest-reward conversation.'),
});

/** The `report` command: exit 1 with the error code for a missing folder or metrics file. */
export const reportCommand = defineCommand({
  name: 'report',
  summary: "Write a training run's report.html: curves, before/after evaluation, sample conversations.",
  schema: ReportConfigSchema,
  positional: 'runDir',
  run: async (config, io) => {
    if (config.runDir === '') {
      throw new ConfigError('invalid_config', 'report needs a run folder: stateset-agents report RUN_DIR');
    }
    const report = await writeRunReport({ runDir: config.runDir, sampleGroups: config.sampleGroups });
    io.stdout.write(`${report.path}\n`);
  },
});
