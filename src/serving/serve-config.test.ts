import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../config/schema-config.js';
import { assertDocumented } from '../config/schema-fields.js';
import { createApiKeyRing } from './api-keys.js';
import { redactServeConfig, ServeConfigSchema } from './serve-config.js';

describe('ServeConfigSchema', () => {
  it('documents every field with a description and a default', () => {
    expect(() => assertDocumented(ServeConfigSchema)).not.toThrow();
    const defaults = ServeConfigSchema.parse({});
    expect(defaults).toMatchObject({
      port: 8000,
      host: '127.0.0.1',
      runsDir: 'runs',
      store: 'memory',
      apiKeyHashes: [],
    });
  });

  it('refuses unknown keys, also inside a key hash entry', () => {
    expect(ServeConfigSchema.safeParse({ prot: 80 }).success).toBe(false);
    const entry = { id: 'a', sha256: 'a'.repeat(64), scopes: ['chat'], key: 'raw' };
    expect(ServeConfigSchema.safeParse({ apiKeyHashes: [entry] }).success).toBe(false);
  });

  it('reads raw keys from STATESET_API_KEYS and settings from flags through resolveConfig', () => {
    const resolved = resolveConfig({
      schema: ServeConfigSchema,
      argv: ['--port', '9001', '--rate-limit-burst', '5'],
      env: { STATESET_API_KEYS: 'ops:sk-ops:admin', STATESET_STORE: 'redis' },
      envPrefix: 'STATESET_',
    });
    expect(resolved.ok).toBe(true);
    if (!resolved.ok) return;
    expect(resolved.value).toMatchObject({ port: 9001, rateLimitBurst: 5, store: 'redis' });
    expect(createApiKeyRing({ hashes: [], rawKeys: resolved.value.apiKeys }).authenticate('sk-ops')).toEqual({
      keyId: 'ops',
      scopes: ['admin'],
    });
  });

  it('redacts secrets for the start-of-run log line', () => {
    const config = ServeConfigSchema.parse({ apiKeys: 'a:k:chat', upstreamApiKey: 'sk-up' });
    expect(redactServeConfig(config)).toMatchObject({ apiKeys: '[redacted]', upstreamApiKey: '[redacted]' });
    expect(redactServeConfig(ServeConfigSchema.parse({})).apiKeys).toBe('');
  });
});
