// Resolves a component's configuration from one zod schema: defaults < JSON file < environment < flags.
// Follows the CleanRL/TRL habit of one documented schema driving flags, help, files and env.

import type { z } from 'zod';
import { parseFlags } from './cli-flags.js';
import { readConfigFile } from './config-file.js';
import { configFail, configOk, type ConfigResult } from './config-result.js';
import { readEnvConfig } from './env-config.js';
import { assertDocumented, describeFields, envName, type ConfigSchema } from './schema-fields.js';

/** Options of `resolveConfig`. */
export type ResolveConfigOptions<S extends ConfigSchema> = {
  /** Every field needs `.describe()` and `.default()`. */
  readonly schema: S;
  /** Flags only: no node binary, script or command name. */
  readonly argv?: readonly string[];
  /** Environment to read; defaults to none (pass `process.env` explicitly). */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Prefix of the environment variables, e.g. `STATESET_`; without it the environment is not read. */
  readonly envPrefix?: string;
  /** JSON config file read when argv has no `--config`. */
  readonly configFile?: string;
};

/**
 * The validated configuration, merging defaults < config file < environment < flags.
 *
 * Mistakes in user input (unknown flag or key, malformed value, unreadable file, a value the schema
 * rejects) are expected failures: they come back as `{ ok: false, error }` with a
 * ConfigError('invalid_config') that names the flag, variable or key. A schema with an undocumented
 * field is a programming error and throws (see `assertDocumented`).
 */
export function resolveConfig<S extends ConfigSchema>(
  options: ResolveConfigOptions<S>,
): ConfigResult<z.output<S>> {
  assertDocumented(options.schema);
  const fields = describeFields(options.schema);
  const flags = parseFlags(options.argv ?? [], fields);
  if (!flags.ok) return flags;

  const sources = new Map<string, string>();
  const configFile = flags.value.configFile ?? options.configFile;
  let fileValues: Record<string, unknown> = {};
  if (configFile !== undefined) {
    const file = readConfigFile(configFile, fields);
    if (!file.ok) return file;
    fileValues = file.value;
    for (const key of Object.keys(fileValues)) sources.set(key, `config file ${configFile} key "${key}"`);
  }

  let envValues: Record<string, unknown> = {};
  const prefix = options.envPrefix;
  if (prefix !== undefined) {
    const env = readEnvConfig(options.env ?? {}, prefix, fields);
    if (!env.ok) return env;
    envValues = env.value;
    for (const key of Object.keys(envValues)) sources.set(key, `env ${envName(prefix, key)}`);
  }
  for (const field of fields) {
    if (field.key in flags.value.values) sources.set(field.key, `flag --${field.flag}`);
  }

  const merged = { ...fileValues, ...envValues, ...flags.value.values };
  const parsed = options.schema.safeParse(merged);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const key = String(issue.path[0] ?? '');
      return `${sources.get(key) ?? `"${key}"`}: ${issue.message}`;
    });
    return configFail(`invalid configuration: ${problems.join('; ')}`, parsed.error);
  }
  return configOk(parsed.data);
}
