// Reads configuration values from environment variables named by a prefix and the field:
// prefix `STATESET_`, field `modelPath` → `STATESET_MODEL_PATH`.

import { configOk, type ConfigResult } from './config-result.js';
import { coerceValue } from './coerce-value.js';
import { envName, type ConfigField } from './schema-fields.js';

/**
 * The values set by `env`, by camelCase key. Variables with the prefix that match no field are
 * ignored, not rejected: several components share one prefix (STATESET_LOG_LEVEL belongs to the
 * logger), so an unknown name may be another component's. An empty value counts as unset.
 */
export function readEnvConfig(
  env: Readonly<Record<string, string | undefined>>,
  prefix: string,
  fields: readonly ConfigField[],
): ConfigResult<Record<string, unknown>> {
  const values: Record<string, unknown> = {};
  for (const field of fields) {
    const name = envName(prefix, field.key);
    const text = env[name];
    if (text === undefined || text === '') continue;
    const coerced = coerceValue(field, text, `env ${name}`);
    if (!coerced.ok) return coerced;
    values[field.key] = coerced.value;
  }
  return configOk(values);
}
