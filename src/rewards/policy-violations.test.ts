import { describe, expect, it } from 'vitest';
import { RewardError } from '../errors.js';
import { findPolicyViolations, policyViolations, type PolicyRule } from './policy-violations.js';
import { say, scoreTrajectory, trajectoryOf } from './test-support/trajectory-fixture.js';

const lookup = say.call('c1', 'get_order', { order_id: '#W1' });
const refund = say.call('c2', 'refund_order', { order_id: '#W1', amount: 12.5, items: ['a', 'b'] });

describe('policyViolations', () => {
  const noRefundWithoutLookup: PolicyRule = {
    name: 'lookup_before_refund',
    checkToolCall: (call, { trajectory, messageIndex }) => {
      if (call.name !== 'refund_order') return undefined;
      const looked = trajectory.messages
        .slice(0, messageIndex + 1)
        .some(
          (message) => message.role === 'assistant' && message.toolCalls?.some((c) => c.name === 'get_order'),
        );
      return looked ? undefined : 'refund before looking up the order';
    },
  };
  const noPromises: PolicyRule = {
    name: 'no_promises',
    checkMessage: (message) => (/\bguarantee\b/i.test(message.content) ? 'promised a guarantee' : undefined),
  };
  const bad = trajectoryOf([
    say.user('refund'),
    say.assistant('I guarantee it', [refund]),
    say.tool('c2', 'refund_order', 'ok'),
    say.assistant('Done, guarantee!'),
  ]);

  it('lists each violation with its rule and message index', () => {
    expect(findPolicyViolations(bad, [noRefundWithoutLookup, noPromises])).toEqual([
      { rule: 'lookup_before_refund', messageIndex: 1, description: 'refund before looking up the order' },
      { rule: 'no_promises', messageIndex: 1, description: 'promised a guarantee' },
      { rule: 'no_promises', messageIndex: 3, description: 'promised a guarantee' },
    ]);
  });

  it('scores 1 − penalty per violation (floored at 0), or 0/1 in binary mode', async () => {
    const rules = [noRefundWithoutLookup, noPromises];
    const clean = trajectoryOf([
      say.user('refund'),
      say.assistant('', [lookup, refund]),
      say.assistant('Done.'),
    ]);
    expect(await scoreTrajectory(policyViolations({ rules, penalty: 0.25 }), bad)).toBe(0.25);
    expect(await scoreTrajectory(policyViolations({ rules }), bad)).toBe(0);
    expect(await scoreTrajectory(policyViolations({ rules, mode: 'binary' }), bad)).toBe(0);
    expect(await scoreTrajectory(policyViolations({ rules, mode: 'binary' }), clean)).toBe(1);
    expect(await scoreTrajectory(policyViolations({ rules }), clean)).toBe(1);
  });

  it('rejects bad options', () => {
    expect(() => policyViolations({ rules: [] })).toThrow(RewardError);
    expect(() => policyViolations({ rules: [noPromises], penalty: 0 })).toThrow(/penalty/);
    expect(() => policyViolations({ rules: [noPromises], penalty: 1.5 })).toThrow(/penalty/);
  });
});
