// JSON text in the spacing of Python's `json.dumps` and Jinja's `tojson` (", " between items, ": "
// after keys), so tool calls we format match what Hugging Face chat templates render.

/**
 * `value` as JSON with `", "` and `": "` separators and keys in insertion order. Undefined object
 * fields are left out and non-finite numbers become `null`, as `JSON.stringify` does.
 */
export function toJsonText(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string' || typeof value === 'boolean') return JSON.stringify(value);
  if (typeof value === 'number') return Number.isFinite(value) ? JSON.stringify(value) : 'null';
  if (typeof value === 'bigint') return value.toString();
  if (Array.isArray(value)) return `[${value.map((item: unknown) => toJsonText(item)).join(', ')}]`;
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, item]) => item !== undefined);
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}: ${toJsonText(item)}`).join(', ')}}`;
  }
  return 'null'; // functions and symbols, as JSON.stringify drops them
}
