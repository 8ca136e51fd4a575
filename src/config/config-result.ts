// The result type of configuration parsing: bad user input is an expected failure, not an exception.

import { ConfigError } from '../errors.js';

/** A parsed value, or the ConfigError('invalid_config') that explains what the user got wrong. */
export type ConfigResult<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: ConfigError };

/** A successful result. */
export function configOk<T>(value: T): ConfigResult<T> {
  return { ok: true, value };
}

/** A failed result carrying ConfigError('invalid_config') with this message. */
export function configFail<T = never>(message: string, cause?: unknown): ConfigResult<T> {
  return {
    ok: false,
    error: new ConfigError('invalid_config', message, cause === undefined ? undefined : { cause }),
  };
}
