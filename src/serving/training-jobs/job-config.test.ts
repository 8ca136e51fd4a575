import { describe, expect, it } from 'vitest';
import { validateJobConfig } from './job-config.js';

const run = { runsDir: '/tmp/runs', runName: 'job_1' };

describe('validateJobConfig', () => {
  it('accepts a train configuration and returns it as given', () => {
    const result = validateJobConfig({ steps: 2, model: { width: 16 } }, run);
    expect(result).toEqual({ ok: true, value: { steps: 2, model: { width: 16 } } });
  });

  it.each([
    [null, /must be an object/],
    [[1], /must be an object/],
    [{ runsDir: '/elsewhere' }, /runsDir cannot be set/],
    [{ resume: 'runs/old', runName: 'x' }, /runName, resume cannot be set/],
    [{ steps: 0 }, /steps \(--steps\)/],
    [{ stepz: 3 }, /unknown key\(s\) "stepz"/],
    [{ groupSize: 1 }, /groupSize \(--group-size\)/],
  ])('refuses %j naming the problem', (input, problem) => {
    const result = validateJobConfig(input, run);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.code).toBe('invalid_config');
      expect(result.error.message).toMatch(problem);
    }
  });
});
