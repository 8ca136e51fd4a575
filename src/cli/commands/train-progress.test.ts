import { describe, expect, it } from 'vitest';
import { budgetedTotalSteps, formatDuration, trainProgressLine } from './train-progress.js';

describe('train progress', () => {
  it('formats durations briefly', () => {
    expect([0, 42.4, 65, 3720].map(formatDuration)).toEqual(['0s', '42s', '1m05s', '1h02m']);
  });

  it('shows step, reward, KL, rollout speed, evaluation success and the time left', () => {
    const line = trainProgressLine({
      step: 3,
      totalSteps: 10,
      elapsedSeconds: 6,
      sessionSteps: 2,
      metrics: {
        step: 3,
        'reward/mean': 0.41234,
        'policy/kl': 0.00123,
        'perf/episodes_per_second': 15.66,
        'eval/success_rate': 0.25,
      },
    });
    expect(line).toBe('step 3/10  reward 0.412  kl 0.0012  15.7 ep/s  eval success 25.0%  eta 21s');
  });

  it('shows a dash for what a step did not measure', () => {
    const line = trainProgressLine({
      step: 1,
      totalSteps: 2,
      elapsedSeconds: 1,
      sessionSteps: 1,
      metrics: { step: 1 },
    });
    expect(line).toBe('step 1/2  reward –  kl –  – ep/s  eta 1s');
  });

  it('ends the count where a time budget runs out, not at --steps', () => {
    const report = { step: 4, totalSteps: 10_000, elapsedSeconds: 40, sessionSteps: 4, metrics: { step: 4 } };
    // 10 s a step, 60 s left: 6 more steps.
    expect(budgetedTotalSteps(report, 100)).toBe(10);
    expect(budgetedTotalSteps(report, 0)).toBe(10_000);
    expect(budgetedTotalSteps({ ...report, totalSteps: 7 }, 100)).toBe(7);
    expect(budgetedTotalSteps(report, 30)).toBe(4);
    expect(trainProgressLine({ ...report, totalSteps: budgetedTotalSteps(report, 100) })).toMatch(
      /^step 4\/10 .* eta 1m00s$/,
    );
  });
});
