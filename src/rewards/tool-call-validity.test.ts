import { describe, expect, it } from 'vitest';
import { toolCallValidity } from './tool-call-validity.js';
import { say, scoreTrajectory, trajectoryOf } from './test-support/trajectory-fixture.js';

const lookup = say.call('c1', 'get_order', { order_id: '#W1' });
const refund = say.call('c2', 'refund_order', { order_id: '#W1', amount: 12.5, items: ['a', 'b'] });

describe('toolCallValidity', () => {
  it('is the fraction of tool results without isError, and undefined without tool calls', async () => {
    const trajectory = trajectoryOf([
      say.user('refund #W1'),
      say.assistant('', [lookup, refund]),
      say.tool('c1', 'get_order', '{"status":"delivered"}'),
      say.tool('c2', 'refund_order', 'invalid amount', true),
      say.assistant('', [say.call('c3', 'get_order', { order_id: '#W1' })]),
      say.tool('c3', 'get_order', '{"status":"delivered"}'),
      say.tool('parse-1', 'unparsed', 'could not parse tool call', true),
    ]);
    expect(await scoreTrajectory(toolCallValidity(), trajectory)).toBe(2 / 4);
    expect(
      await scoreTrajectory(toolCallValidity(), trajectoryOf([say.user('hi'), say.assistant('hello')])),
    ).toBeUndefined();
  });
});
