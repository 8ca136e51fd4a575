// The shape of a CLI command: a name, a one-line summary, a documented zod schema for its flags,
// and a run function that receives the resolved configuration.

import type { z } from 'zod';
import type { ConfigSchema } from '../config/schema-fields.js';
import type { CliIo } from './cli-io.js';

/** The prefix of the environment variables every command reads (`STATESET_STEPS` sets `--steps`). */
export const ENV_PREFIX = 'STATESET_';

/** A command as the dispatcher sees it. */
export type Command = {
  readonly name: string;
  readonly summary: string;
  /** Drives the command's flags, `--config` file keys, `STATESET_*` variables and `--help`. */
  readonly schema: ConfigSchema;
  /** Key of the schema field a bare first argument sets (`report RUN_DIR` sets `runDir`). */
  readonly positional?: string;
  /** Runs with the validated configuration; throws a StatesetError for failures the user can fix. */
  run(config: unknown, io: CliIo): Promise<void>;
};

/** The definition of a command whose `run` sees its schema's output type. */
export type CommandDefinition<S extends ConfigSchema> = {
  readonly name: string;
  readonly summary: string;
  readonly schema: S;
  readonly positional?: keyof z.output<S> & string;
  run(config: z.output<S>, io: CliIo): Promise<void>;
};

/** Erases a command's config type for the registry; `runCli` only passes it what `schema` produced. */
export function defineCommand<S extends ConfigSchema>(definition: CommandDefinition<S>): Command {
  return { ...definition, run: (config, io) => definition.run(config as z.output<S>, io) };
}
