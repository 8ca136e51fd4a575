// Reads the fields of a zod object schema (kind, default, description) so that one schema can drive
// CLI flags, environment variables, config files and help text.

import { z } from 'zod';
import { ConfigError } from '../errors.js';

/**
 * How a field's text value (from a flag or the environment) is turned into a value. `json-or-text`
 * (a union of a string and an object or array): text starting with `{` or `[` is JSON, other text is itself.
 */
export type FieldKind = 'number' | 'integer' | 'string' | 'boolean' | 'enum' | 'json' | 'json-or-text';

/** One field of a configuration schema, as the flag, environment and help code see it. */
export type ConfigField = {
  readonly key: string;
  /** The field's CLI flag without dashes, in kebab case: `modelPath` → `model-path`. */
  readonly flag: string;
  readonly kind: FieldKind;
  readonly description: string | undefined;
  readonly hasDefault: boolean;
  readonly defaultValue: unknown;
  /** The allowed values of an enum field. */
  readonly choices: readonly string[] | undefined;
};

/** A zod object schema usable as a configuration schema. */
export type ConfigSchema = z.ZodObject;

type Layer = {
  readonly description?: string;
  readonly def: { readonly type: string; readonly innerType?: unknown };
};

const WRAPPERS = new Set(['default', 'prefault', 'optional', 'nullable', 'readonly', 'catch']);

/** `modelPath` → `model-path`. */
export function kebabCase(key: string): string {
  return key.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);
}

/** `model-path` → `modelPath`. */
export function camelCase(flag: string): string {
  return flag.replace(/-([a-z0-9])/g, (_match, letter: string) => letter.toUpperCase());
}

/** The environment variable of a field: prefix `STATESET_`, key `modelPath` → `STATESET_MODEL_PATH`. */
export function envName(prefix: string, key: string): string {
  return prefix + kebabCase(key).replace(/-/g, '_').toUpperCase();
}

/** The fields of a configuration schema, in declaration order. */
export function describeFields(schema: ConfigSchema): ConfigField[] {
  return Object.entries(schema.shape).map(([key, field]) => describeField(key, field as unknown as Layer));
}

function describeField(key: string, field: Layer): ConfigField {
  let layer = field;
  let description = layer.description;
  let hasDefault = false;
  let defaultValue: unknown = undefined;
  while (WRAPPERS.has(layer.def.type)) {
    if (layer.def.type === 'default' || layer.def.type === 'prefault') {
      hasDefault = true;
      defaultValue = (layer.def as { defaultValue?: unknown }).defaultValue;
    }
    layer = layer.def.innerType as Layer;
    description ??= layer.description;
  }
  const { kind, choices } = kindOf(layer);
  return { key, flag: kebabCase(key), kind, description, hasDefault, defaultValue, choices };
}

function kindOf(layer: Layer): { kind: FieldKind; choices: readonly string[] | undefined } {
  if (layer instanceof z.ZodNumber) return { kind: layer.isInt ? 'integer' : 'number', choices: undefined };
  if (layer instanceof z.ZodString) return { kind: 'string', choices: undefined };
  if (layer instanceof z.ZodBoolean) return { kind: 'boolean', choices: undefined };
  if (layer instanceof z.ZodEnum) {
    const options = layer.options.map(String);
    return { kind: 'enum', choices: options };
  }
  if (layer instanceof z.ZodUnion && layer.options.some((option) => option instanceof z.ZodString))
    return { kind: 'json-or-text', choices: undefined };
  return { kind: 'json', choices: undefined };
}

/**
 * Throws ConfigError('invalid_config') unless every field has a description and a default, the two
 * things help text and a zero-flag run rely on; also rejects a field named `config`, which is the
 * flag that names a config file.
 */
export function assertDocumented(schema: ConfigSchema): void {
  const problems: string[] = [];
  for (const field of describeFields(schema)) {
    if (field.description === undefined || field.description.trim() === '') {
      problems.push(`field "${field.key}" has no .describe()`);
    }
    if (!field.hasDefault) problems.push(`field "${field.key}" has no .default()`);
    if (field.key === 'config') problems.push('field "config" clashes with the --config flag');
  }
  if (problems.length > 0) {
    throw new ConfigError('invalid_config', `configuration schema is not documented: ${problems.join('; ')}`);
  }
}
