// Parses command-line flags against a configuration schema: `--lr 0.001`, `--model-path=x`,
// `--flag` / `--no-flag` for booleans, and `--config FILE`. Positional arguments are not accepted.

import { configFail, configOk, type ConfigResult } from './config-result.js';
import { coerceValue } from './coerce-value.js';
import type { ConfigField } from './schema-fields.js';

/** The flag that names a JSON config file. */
export const CONFIG_FILE_FLAG = 'config';

/** What the flags set: values by camelCase key, and the config file if `--config` was given. */
export type ParsedFlags = {
  readonly values: Readonly<Record<string, unknown>>;
  readonly configFile: string | undefined;
};

/**
 * Parses `argv` (without the node binary, script or command name). Fails on an unknown flag, a
 * flag given twice, a missing or malformed value, and on any positional argument.
 */
export function parseFlags(
  argv: readonly string[],
  fields: readonly ConfigField[],
): ConfigResult<ParsedFlags> {
  const byFlag = new Map(fields.map((field) => [field.flag, field]));
  const values: Record<string, unknown> = {};
  const seen = new Set<string>();
  let configFile: string | undefined;
  for (let index = 0; index < argv.length; index++) {
    const token = argv[index];
    if (!token.startsWith('--') || token === '--') {
      return configFail(`unexpected argument "${token}"; flags look like --name value`);
    }
    const equals = token.indexOf('=');
    const name = equals === -1 ? token.slice(2) : token.slice(2, equals);
    const inline = equals === -1 ? undefined : token.slice(equals + 1);
    const negated = name.startsWith('no-') && byFlag.get(name.slice(3))?.kind === 'boolean';
    const flag = negated ? name.slice(3) : name;
    if (seen.has(flag)) return configFail(`flag --${flag} is given more than once`);
    seen.add(flag);

    const field = byFlag.get(flag);
    if (field === undefined && flag !== CONFIG_FILE_FLAG) {
      const valid = [...fields.map((known) => `--${known.flag}`), `--${CONFIG_FILE_FLAG}`];
      return configFail(`unknown flag --${name}; valid flags: ${valid.join(', ')}`);
    }
    if (field?.kind === 'boolean' && inline === undefined) {
      values[field.key] = !negated;
      continue;
    }
    if (negated) return configFail(`flag --no-${flag} takes no value`);

    let text = inline;
    if (text === undefined) {
      const next = argv[index + 1];
      if (next === undefined || next.startsWith('--')) return configFail(`flag --${flag} needs a value`);
      text = next;
      index++;
    }
    if (field === undefined) {
      if (text === '') return configFail(`flag --${CONFIG_FILE_FLAG} needs a file path`);
      configFile = text;
      continue;
    }
    const coerced = coerceValue(field, text, `flag --${flag}`);
    if (!coerced.ok) return coerced;
    values[field.key] = coerced.value;
  }
  return configOk({ values, configFile });
}
