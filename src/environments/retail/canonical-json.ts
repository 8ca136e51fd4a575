// Canonical JSON text after RFC 8785 (JSON Canonicalization Scheme): object keys sorted by UTF-16
// code units at every level, no whitespace, ECMAScript string escaping and number printing.

import { EnvironmentError } from '../../errors.js';

/**
 * The RFC 8785 canonical text of a JSON value. Keys are sorted here, not by building a new object:
 * JavaScript would enumerate integer-like keys first. Throws for values JSON cannot hold.
 */
export function canonicalJson(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      if (!Number.isFinite(value)) throw notJson(String(value));
      return JSON.stringify(value); // ECMAScript Number::toString; -0 prints as 0
    case 'object': {
      if (value === null) return 'null';
      if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
      const record = value as Record<string, unknown>;
      // Default sort compares UTF-16 code units, as RFC 8785 requires.
      const keys = Object.keys(record).sort();
      return `{${keys.map((key) => `${JSON.stringify(key)}:${canonicalJson(record[key])}`).join(',')}}`;
    }
    default:
      throw notJson(typeof value);
  }
}

function notJson(what: string): EnvironmentError {
  return new EnvironmentError('environment_data_invalid', `canonical JSON cannot represent ${what}`);
}
