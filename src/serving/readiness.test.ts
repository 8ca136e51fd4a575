import { describe, expect, it } from 'vitest';
import { createReadinessRegistry } from './readiness.js';

describe('createReadinessRegistry', () => {
  it('is ready only when every check is, and reports each by name', async () => {
    const registry = createReadinessRegistry();
    registry.add('a', () => ({ ready: true }));
    registry.add('b', async () => ({ ready: false, reason: 'down' }));
    expect(await registry.check(1000)).toEqual({
      ready: false,
      checks: { a: { ready: true }, b: { ready: false, reason: 'down' } },
    });
  });

  it('counts a check that throws or never answers as not ready', async () => {
    const registry = createReadinessRegistry();
    registry.add('throws', () => {
      throw new Error('connection refused');
    });
    registry.add('hangs', () => new Promise(() => {}));
    const report = await registry.check(20);
    expect(report.checks).toEqual({
      throws: { ready: false, reason: 'connection refused' },
      hangs: { ready: false, reason: 'no answer within 20 ms' },
    });
  });

  it('refuses a name taken twice', () => {
    const registry = createReadinessRegistry();
    registry.add('a', () => ({ ready: true }));
    expect(() => registry.add('a', () => ({ ready: true }))).toThrow(/already registered/);
  });
});
