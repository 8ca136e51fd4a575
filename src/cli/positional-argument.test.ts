import { describe, expect, it } from 'vitest';
import { positionalToFlag, positionalUsage } from './positional-argument.js';

describe('positionalToFlag', () => {
  it("turns a leading bare argument into the field's flag", () => {
    expect(positionalToFlag(['runs/a', '--groups', '2'], 'runDir')).toEqual([
      '--run-dir',
      'runs/a',
      '--groups',
      '2',
    ]);
  });

  it('leaves flags, empty argv and commands without a positional field alone', () => {
    expect(positionalToFlag(['--run-dir', 'runs/a'], 'runDir')).toEqual(['--run-dir', 'runs/a']);
    expect(positionalToFlag([], 'runDir')).toEqual([]);
    expect(positionalToFlag(['runs/a'], undefined)).toEqual(['runs/a']);
  });

  it('names the argument in usage text', () => {
    expect(positionalUsage('runDir')).toBe(' [RUN_DIR]');
    expect(positionalUsage(undefined)).toBe('');
  });
});
