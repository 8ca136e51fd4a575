// Commands that take one bare argument (`report RUN_DIR`): the argument becomes its flag, so the one
// schema still drives parsing, help, config files and environment variables.

import { kebabCase } from '../config/schema-fields.js';

/**
 * `argv` with a leading bare argument turned into `--<flag> value` for the field `key`; unchanged
 * when there is no key, or the first argument is a flag.
 */
export function positionalToFlag(argv: readonly string[], key: string | undefined): readonly string[] {
  const [first, ...rest] = argv;
  if (key === undefined || first === undefined || first.startsWith('--')) return argv;
  return [`--${kebabCase(key)}`, first, ...rest];
}

/** The usage text of a positional field: ` [RUN_DIR]` for `runDir`, empty for none. */
export function positionalUsage(key: string | undefined): string {
  return key === undefined ? '' : ` [${kebabCase(key).replace(/-/g, '_').toUpperCase()}]`;
}
