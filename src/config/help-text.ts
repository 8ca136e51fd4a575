// Renders CLI help from a configuration schema: flag, type, default, environment variable, description.

import { CONFIG_FILE_FLAG } from './cli-flags.js';
import { describeFields, envName, type ConfigField, type ConfigSchema } from './schema-fields.js';

/** Options of `renderHelp`. */
export type HelpOptions = {
  readonly schema: ConfigSchema;
  /** First line, e.g. `Usage: stateset-agents train [flags]`. */
  readonly usage?: string;
  /** When given, each field's environment variable is listed too. */
  readonly envPrefix?: string;
};

/** Help text with one entry per field, aligned in two columns, ending in a newline. */
export function renderHelp(options: HelpOptions): string {
  const rows = describeFields(options.schema).map((field) => ({
    left: `--${field.kind === 'boolean' ? `[no-]${field.flag}` : `${field.flag} <${typeName(field)}>`}`,
    right: `${field.description ?? ''} (default: ${formatDefault(field.defaultValue)}${
      options.envPrefix === undefined ? '' : `; env: ${envName(options.envPrefix, field.key)}`
    })`,
  }));
  rows.push({
    left: `--${CONFIG_FILE_FLAG} <file>`,
    right: 'JSON file of settings; flags and environment override it',
  });
  const width = Math.max(...rows.map((row) => row.left.length));
  const lines = rows.map((row) => `  ${row.left.padEnd(width)}  ${row.right}`);
  const head = options.usage === undefined ? [] : [options.usage, ''];
  return [...head, 'Flags:', ...lines, ''].join('\n');
}

function typeName(field: ConfigField): string {
  if (field.kind === 'enum') return (field.choices ?? []).join('|');
  return field.kind;
}

function formatDefault(value: unknown): string {
  return value === undefined ? 'none' : JSON.stringify(value);
}
