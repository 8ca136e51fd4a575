// Deep equality of JSON values, as canonical JSON sees them (key order ignored, 0 equals -0).

/** Whether two JSON values have the same canonical text, without printing them. */
export function sameJson(left: unknown, right: unknown): boolean {
  if (left === right) return true;
  if (typeof left !== 'object' || typeof right !== 'object' || left === null || right === null) return false;
  if (Array.isArray(left) !== Array.isArray(right)) return false;
  if (Array.isArray(left)) {
    const other = right as unknown[];
    if (left.length !== other.length) return false;
    for (let index = 0; index < left.length; index++) if (!sameJson(left[index], other[index])) return false;
    return true;
  }
  // Plain loops, no key arrays: the fast hasher runs this over the whole database per episode.
  const leftRecord = left as Record<string, unknown>;
  const rightRecord = right as Record<string, unknown>;
  let keys = 0;
  for (const key in leftRecord) {
    if (!Object.hasOwn(rightRecord, key) || !sameJson(leftRecord[key], rightRecord[key])) return false;
    keys++;
  }
  for (const _key in rightRecord) keys--;
  return keys === 0;
}
