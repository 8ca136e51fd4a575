import { describe, expect, it } from 'vitest';
import { argumentCorrectness, argumentCredit } from './argument-correctness.js';
import { say, scoreTrajectory, trajectoryOf } from './test-support/trajectory-fixture.js';

const lookup = say.call('c1', 'get_order', { order_id: '#W1' });
const refund = say.call('c2', 'refund_order', { order_id: '#W1', amount: 12.5, items: ['a', 'b'] });

describe('argumentCorrectness', () => {
  const expected = [
    { name: 'get_order', arguments: { order_id: '#W1' } },
    { name: 'refund_order', arguments: { items: ['a', 'b'], amount: 12.5, order_id: '#W1' } },
  ];

  it('gives full credit for JSON-equal arguments in any key order', async () => {
    const trajectory = trajectoryOf([say.user('x'), say.assistant('', [refund, lookup])]);
    expect(await scoreTrajectory(argumentCorrectness({ expected }), trajectory)).toBe(1);
  });

  it('gives partial credit per matching argument and none for a missing call', async () => {
    const wrongAmount = say.call('c2', 'refund_order', {
      order_id: '#W1',
      amount: '12.5',
      items: ['a', 'b'],
    });
    const trajectory = trajectoryOf([say.user('x'), say.assistant('', [wrongAmount])]);
    // get_order missing (0); refund_order: 2 of 3 keys equal ('12.5' is not 12.5).
    expect(await scoreTrajectory(argumentCorrectness({ expected }), trajectory)).toBeCloseTo(
      (0 + 2 / 3) / 2,
      12,
    );
    expect(argumentCredit(expected[1], say.call('x', 'refund_order', { order_id: '#W1', note: 'hi' }))).toBe(
      1 / 4,
    );
    expect(argumentCredit(expected[0], say.call('x', 'cancel_order', { order_id: '#W1' }))).toBe(0);
  });

  it('lets each actual call satisfy one expected call, and penalises repeats when asked', async () => {
    const twice = [expected[0], expected[0]];
    const once = trajectoryOf([say.user('x'), say.assistant('', [lookup])]);
    expect(await scoreTrajectory(argumentCorrectness({ expected: twice }), once)).toBe(0.5);
    const thrice = trajectoryOf([say.user('x'), say.assistant('', [lookup, lookup, lookup])]);
    expect(await scoreTrajectory(argumentCorrectness({ expected: [expected[0]] }), thrice)).toBe(1);
    expect(
      await scoreTrajectory(argumentCorrectness({ expected: [expected[0]], extraCalls: 'penalise' }), thrice),
    ).toBe(1 / 3);
  });

  it('is undefined when nothing is expected', async () => {
    const trajectory = trajectoryOf([say.user('x'), say.assistant('', [lookup])]);
    expect(await scoreTrajectory(argumentCorrectness({ expected: [] }), trajectory)).toBeUndefined();
    expect(
      await scoreTrajectory(argumentCorrectness({ expected: () => undefined }), trajectory),
    ).toBeUndefined();
  });
});
