// Validates a job's `train` configuration before any worker starts, so mistakes come back as a 400
// naming the field rather than as a failed job. The server decides where runs go: a job may not set
// the run folder, its name, or resume another run.

import { configFail, configOk, type ConfigResult } from '../../config/config-result.js';
import { parseTrainingConfig } from '../../training/resolve-training-config.js';

/** Keys of the `train` configuration that the server sets for every job. */
export const SERVER_OWNED_KEYS = ['runsDir', 'runName', 'resume'] as const;

/**
 * `input` if it is a valid `train` configuration once the server's run folder is added, else a
 * ConfigError('invalid_config') naming each problem. The value returned is the input as given
 * (the worker resolves it again, and writes the resolved one into the run folder).
 */
export function validateJobConfig(
  input: unknown,
  run: { readonly runsDir: string; readonly runName: string },
): ConfigResult<Readonly<Record<string, unknown>>> {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return configFail('config: must be an object of `train` settings (see `stateset-agents train --help`)');
  }
  const config = input as Record<string, unknown>;
  const owned = SERVER_OWNED_KEYS.filter((key) => Object.hasOwn(config, key));
  if (owned.length > 0) {
    return configFail(
      `config: ${owned.join(', ')} cannot be set: the server puts each job's run in its own folder`,
    );
  }
  const resolved = parseTrainingConfig({ ...config, ...run });
  return resolved.ok ? configOk(config) : resolved;
}
