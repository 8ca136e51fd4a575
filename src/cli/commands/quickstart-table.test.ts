import { describe, expect, it } from 'vitest';
import type { EvaluationSummary } from '../../evaluation/evaluation-summary.js';
import { formatPercent, renderComparisonTable } from './quickstart-table.js';

function summary(successes: number, meanParts: Record<string, number>): EvaluationSummary {
  return {
    tasks: 4,
    trials: 1,
    episodes: 4,
    successes,
    successRate: successes / 4,
    passHatK: [successes / 4],
    meanReward: 0.5,
    meanParts,
    meanTurns: 2.25,
    stopReasons: { user_stop: 4 },
  };
}

describe('renderComparisonTable', () => {
  it('prints one right-aligned column per evaluation and every reward part of any of them', () => {
    const table = renderComparisonTable([
      { label: 'SFT', summary: summary(1, { right_tool: 0.25 }) },
      { label: 'teacher', summary: summary(3, { right_tool: 1, policy: 0.75 }) },
    ]);
    expect(table).toBe(
      [
        '                      SFT      teacher',
        'success rate  0.250 (1/4)  0.750 (3/4)',
        'pass^1              0.250        0.750',
        'mean reward         0.500        0.500',
        '  right_tool        0.250        1.000',
        '  policy                –        0.750',
        'mean turns           2.25         2.25',
        '',
      ].join('\n'),
    );
  });
});

describe('formatPercent', () => {
  it('writes whole percentages without a decimal, whatever the float error, and others with one', () => {
    expect(0.07 * 100).not.toBe(7); // the float error that printed "7.0%"
    expect([0.07, 0.15, 0.3, 0, 1].map(formatPercent)).toEqual(['7%', '15%', '30%', '0%', '100%']);
    expect([0.125, 0.0333].map(formatPercent)).toEqual(['12.5%', '3.3%']);
  });
});
