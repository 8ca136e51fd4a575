// Python's `json.dumps` text, as the original tools return records: `", "` and `": "` separators,
// non-ASCII escaped as \uXXXX, floats printed by `repr` (`247.0`), keys in insertion order.

import { pythonFloatRepr } from './python-float.js';

/**
 * Fields that Python holds as floats even when whole (`"price": 247.0`). JSON parsing loses the
 * int/float distinction, so other whole numbers print as ints, as the data files write them; gift
 * card balances are ints in the files (`"balance": 60`) and become floats only once a tool changes them.
 */
const FLOAT_FIELDS: ReadonlySet<string> = new Set(['price', 'amount', 'exchange_price_difference']);

/**
 * The text Python's `json.dumps(value)` gives for a record of the retail database. A Map prints as an
 * object in its insertion order, for keys that a plain object would reorder (integer-like keys).
 */
export function pythonJsonDumps(value: unknown): string {
  return dump(value, false);
}

function dump(value: unknown, isFloatField: boolean): string {
  switch (typeof value) {
    case 'string':
      return pythonJsonString(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      return dumpNumber(value, isFloatField);
    case 'object': {
      if (value === null) return 'null';
      if (value instanceof Map) return dumpEntries([...value.entries()]);
      if (Array.isArray(value)) return `[${value.map((item) => dump(item, false)).join(', ')}]`;
      return dumpEntries(Object.entries(value as Record<string, unknown>));
    }
    default:
      throw new TypeError(`json.dumps cannot represent ${typeof value}`);
  }
}

function dumpEntries(entries: readonly (readonly [unknown, unknown])[]): string {
  const fields = entries.map(([key, item]) => {
    const name = String(key);
    return `${pythonJsonString(name)}: ${dump(item, FLOAT_FIELDS.has(name))}`;
  });
  return `{${fields.join(', ')}}`;
}

function dumpNumber(value: number, isFloatField: boolean): string {
  if (Number.isNaN(value)) return 'NaN';
  if (!Number.isFinite(value)) return value > 0 ? 'Infinity' : '-Infinity';
  if (Number.isInteger(value) && !isFloatField) return BigInt(value).toString();
  return pythonFloatRepr(value);
}

const SHORT_ESCAPES: Readonly<Record<string, string>> = {
  '"': '\\"',
  '\\': '\\\\',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
  '\b': '\\b',
  '\f': '\\f',
};

/** A JSON string literal as Python writes it with `ensure_ascii=True`. */
export function pythonJsonString(text: string): string {
  // Python escapes everything outside printable ASCII (space to ~), one UTF-16 unit at a time.
  return `"${text.replace(/[^ -~]|["\\]/g, (unit) => SHORT_ESCAPES[unit] ?? `\\u${unit.charCodeAt(0).toString(16).padStart(4, '0')}`)}"`;
}
