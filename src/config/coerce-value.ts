// Turns the text of a flag or environment variable into a value of the field's kind.

import { configFail, configOk, type ConfigResult } from './config-result.js';
import type { ConfigField } from './schema-fields.js';

const TRUE_WORDS = new Set(['true', '1', 'yes']);
const FALSE_WORDS = new Set(['false', '0', 'no']);

/**
 * Parses `text` for `field`; `source` names where it came from (`flag --lr`, `env STATESET_LR`) in
 * the error. Numbers must be finite, integers whole, booleans true/false/1/0/yes/no, enums one of
 * the choices, fields of any other kind (arrays, objects) JSON, and json-or-text fields JSON when the
 * text opens an object or array, else the text itself.
 */
export function coerceValue(field: ConfigField, text: string, source: string): ConfigResult<unknown> {
  switch (field.kind) {
    case 'string':
      return configOk(text);
    case 'number':
    case 'integer': {
      const value = text.trim() === '' ? Number.NaN : Number(text);
      if (!Number.isFinite(value)) return configFail(`${source}: expected a number, got "${text}"`);
      if (field.kind === 'integer' && !Number.isInteger(value)) {
        return configFail(`${source}: expected an integer, got "${text}"`);
      }
      return configOk(value);
    }
    case 'boolean': {
      const word = text.trim().toLowerCase();
      if (TRUE_WORDS.has(word)) return configOk(true);
      if (FALSE_WORDS.has(word)) return configOk(false);
      return configFail(`${source}: expected true or false, got "${text}"`);
    }
    case 'enum': {
      const choices = field.choices ?? [];
      if (choices.includes(text)) return configOk(text);
      return configFail(`${source}: expected one of ${choices.join(', ')}, got "${text}"`);
    }
    case 'json-or-text':
      return /^\s*[[{]/.test(text) ? parseJson(text, source) : configOk(text);
    case 'json':
      return parseJson(text, source);
  }
}

function parseJson(text: string, source: string): ConfigResult<unknown> {
  try {
    return configOk(JSON.parse(text) as unknown);
  } catch (error) {
    return configFail(`${source}: expected JSON, got "${text}"`, error);
  }
}
