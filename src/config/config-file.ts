// Reads a JSON configuration file whose keys are the schema's camelCase field names.

import { readFileSync } from 'node:fs';
import { configFail, configOk, type ConfigResult } from './config-result.js';
import type { ConfigField } from './schema-fields.js';

/** The values in the JSON object at `path`; fails if it cannot be read, is not a JSON object, or has unknown keys. */
export function readConfigFile(
  path: string,
  fields: readonly ConfigField[],
): ConfigResult<Record<string, unknown>> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    return configFail(`cannot read config file ${path}: ${(error as Error).message}`, error);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    return configFail(`config file ${path} is not valid JSON: ${(error as Error).message}`, error);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return configFail(`config file ${path} must hold a JSON object`);
  }
  const known = new Set(fields.map((field) => field.key));
  for (const key of Object.keys(parsed)) {
    if (!known.has(key)) {
      return configFail(`config file ${path}: unknown key "${key}"; valid keys: ${[...known].join(', ')}`);
    }
  }
  return configOk({ ...(parsed as Record<string, unknown>) });
}
