// `stateset-agents tau-replay --data DIR --actions FILE`: replays τ-bench retail tool calls on a
// fresh database and prints `{ "outputs": [...], "dbHash": "<hex>" }`, as the original tools would.

import { z } from 'zod';
import { ConfigError, EnvironmentError } from '../../errors.js';
import { findRetailDataDir } from '../../environments/retail/retail-data-dir.js';
import { runTauReplay } from '../../environments/retail/tau-replay.js';
import { defineCommand } from '../command.js';

/** Flags of `tau-replay`. */
export const TauReplayConfigSchema = z.object({
  data: z
    .string()
    .default('')
    .describe(
      'τ-bench retail data folder; empty: $STATESET_TAU_RETAIL, else shared/tau-retail in or beside the working directory.',
    ),
  actions: z
    .string()
    .default('')
    .describe('JSON file with the calls to replay: [{ "name": tool, "kwargs": {…} }, …] (required).'),
});

/** The `tau-replay` command: exit 0 even when tools answer errors; 1 for a bad file, tool name or data. */
export const tauReplayCommand = defineCommand({
  name: 'tau-replay',
  summary: "Replay τ-bench retail tool calls on a fresh database; print the outputs and the database's hash.",
  schema: TauReplayConfigSchema,
  run: async (config, io) => {
    if (config.actions === '') throw new ConfigError('invalid_config', 'tau-replay needs --actions FILE');
    const dataDir =
      config.data !== '' ? config.data : findRetailDataDir({ root: process.cwd(), env: io.env });
    if (dataDir === undefined) {
      throw new EnvironmentError(
        'environment_data_invalid',
        'τ-bench retail data not found in or beside the working directory; pass --data DIR or set STATESET_TAU_RETAIL',
      );
    }
    const result = await runTauReplay({ dataDir, actionsFile: config.actions });
    if (result.error !== undefined) throw result.error;
    io.stdout.write(result.stdout);
  },
});
