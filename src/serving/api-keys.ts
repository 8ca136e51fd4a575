// API keys kept as SHA-256 digests and matched in constant time: the server never holds a key it can
// leak, and a caller learns nothing from how long a wrong key takes to reject.

import { createHash, timingSafeEqual } from 'node:crypto';
import { ConfigError } from '../errors.js';
import { SCOPES, type Principal, type Scope } from './principal.js';
import type { ApiKeyHash } from './serve-config.js';

/** Hex SHA-256 of a key, as `apiKeyHashes[].sha256` stores it. */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/**
 * Hashes raw keys written "id:key:scope+scope,…" (the STATESET_API_KEYS form); the key may itself
 * contain colons. Throws ConfigError('invalid_config') naming the entry (by id, never the key).
 */
export function parseRawApiKeys(text: string): ApiKeyHash[] {
  const entries = text
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
  return entries.map((entry, index) => {
    const first = entry.indexOf(':');
    const last = entry.lastIndexOf(':');
    const id = entry.slice(0, first);
    const key = entry.slice(first + 1, last);
    if (first <= 0 || last <= first + 1) {
      throw new ConfigError('invalid_config', `API key entry ${index + 1} is not "id:key:scopes"`);
    }
    const scopes = entry.slice(last + 1).split('+');
    const unknown = scopes.filter((scope) => !(SCOPES as readonly string[]).includes(scope));
    if (unknown.length > 0) {
      throw new ConfigError(
        'invalid_config',
        `API key "${id}": unknown scope(s) ${unknown.join(', ')}; valid: ${SCOPES.join(', ')}`,
      );
    }
    return { id, sha256: hashApiKey(key), scopes: scopes as Scope[] };
  });
}

/** Finds the principal a presented key belongs to. */
export interface ApiKeyRing {
  /** True when no keys are configured (every caller is anonymous with all scopes). */
  readonly open: boolean;
  /** The key's principal, or undefined for an unknown key. */
  authenticate(presented: string): Principal | undefined;
}

/** A ring of the configured hashes and raw keys; throws ConfigError('invalid_config') on duplicate ids. */
export function createApiKeyRing(options: { hashes: readonly ApiKeyHash[]; rawKeys: string }): ApiKeyRing {
  const all = [...options.hashes, ...parseRawApiKeys(options.rawKeys)];
  const ids = new Set<string>();
  for (const entry of all) {
    if (ids.has(entry.id))
      throw new ConfigError('invalid_config', `API key id "${entry.id}" is configured twice`);
    ids.add(entry.id);
  }
  const keys = all.map((entry) => ({
    digest: Buffer.from(entry.sha256, 'hex'),
    principal: { keyId: entry.id, scopes: [...new Set(entry.scopes)] } satisfies Principal,
  }));
  return {
    open: keys.length === 0,
    authenticate(presented) {
      const digest = createHash('sha256').update(presented, 'utf8').digest();
      let found: Principal | undefined;
      // Compare against every key, without stopping early, so timing says nothing about which matched.
      for (const key of keys) {
        if (timingSafeEqual(digest, key.digest) && found === undefined) found = key.principal;
      }
      return found;
    },
  };
}

/** True when `principal` may use a route needing `scope`; admin may use every route. */
export function hasScope(principal: Principal, scope: Scope): boolean {
  return principal.scopes.includes('admin') || principal.scopes.includes(scope);
}
