// Parses an untrusted JSON body safely: nesting depth is checked on the raw text before JSON.parse
// (so a deep body costs one linear scan, never recursion), then keys that could pollute prototypes
// (`__proto__`, `constructor`, `prototype`) are refused wherever they appear.

/** Keys refused anywhere in a body. */
export const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/** The parsed value, or why the text was refused. */
export type JsonGuardResult =
  { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly error: string };

/** The deepest nesting of arrays and objects in `text` (strings skipped), stopping once past `limit`. */
export function jsonDepth(text: string, limit: number): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let index = 0; index < text.length; index++) {
    const char = text.charCodeAt(index);
    if (inString) {
      if (char === 0x5c)
        index++; // backslash: skip the escaped character
      else if (char === 0x22) inString = false;
    } else if (char === 0x22) inString = true;
    else if (char === 0x7b || char === 0x5b) {
      depth++;
      if (depth > deepest) deepest = depth;
      if (deepest > limit) return deepest;
    } else if (char === 0x7d || char === 0x5d) depth--;
  }
  return deepest;
}

/** Parses `text` if it nests no deeper than `maxDepth` and holds no forbidden key. */
export function parseGuardedJson(text: string, maxDepth: number): JsonGuardResult {
  if (text.trim() === '') return { ok: false, error: 'the body is empty; send a JSON object' };
  if (jsonDepth(text, maxDepth) > maxDepth) {
    return { ok: false, error: `JSON nests deeper than ${maxDepth} levels` };
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { ok: false, error: `the body is not valid JSON: ${(error as Error).message}` };
  }
  const forbidden = findForbiddenKey(value);
  if (forbidden !== undefined) return { ok: false, error: `the key "${forbidden}" is not allowed` };
  return { ok: true, value };
}

function findForbiddenKey(root: unknown): string | undefined {
  const pending: unknown[] = [root];
  while (pending.length > 0) {
    const value = pending.pop();
    if (typeof value !== 'object' || value === null) continue;
    if (Array.isArray(value)) {
      for (const item of value) pending.push(item);
      continue;
    }
    for (const key of Object.keys(value)) {
      if (FORBIDDEN_KEYS.has(key)) return key;
      pending.push((value as Record<string, unknown>)[key]);
    }
  }
  return undefined;
}
