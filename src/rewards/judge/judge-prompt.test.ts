import { describe, expect, it } from 'vitest';
import { say, trajectoryOf } from '../test-support/trajectory-fixture.js';
import { buildJudgePrompt, serialiseConversation } from './judge-prompt.js';

const conversation = trajectoryOf([
  say.system('Policy: verify identity first.'),
  say.user('Refund order #W1'),
  say.assistant('', [say.call('c1', 'refund_order', { order_id: '#W1' })]),
  say.tool('c1', 'refund_order', 'identity not verified', true),
  say.assistant('Please confirm your email.'),
]);

describe('serialiseConversation', () => {
  it('writes one compact line per message and tool call', () => {
    expect(serialiseConversation(conversation, { maxMessageChars: 100 })).toBe(
      [
        'system: Policy: verify identity first.',
        'user: Refund order #W1',
        'assistant → refund_order({"order_id":"#W1"})',
        'tool refund_order [error]: identity not verified',
        'assistant: Please confirm your email.',
      ].join('\n'),
    );
  });

  it('elides the end of long messages, saying how much', () => {
    const long = trajectoryOf([say.user('x'.repeat(30))]);
    expect(serialiseConversation(long, { maxMessageChars: 10 })).toBe(
      `user: ${'x'.repeat(10)}… [20 more characters]`,
    );
  });
});

describe('buildJudgePrompt', () => {
  const trajectories = Array.from({ length: 6 }, (_, index) =>
    trajectoryOf([say.system('Policy.'), say.user(`question ${index}`)], { id: `r${index}` }),
  );
  const options = { rubric: 'Be right.', trajectories, seed: 3, shuffleKey: 'abc', maxMessageChars: 100 };

  it('shows every trajectory once under an opaque id, in a seeded shuffled order', () => {
    const prompt = buildJudgePrompt(options);
    expect(prompt.ids).toEqual(['t1', 't2', 't3', 't4', 't5', 't6']);
    expect([...prompt.order].sort()).toEqual([0, 1, 2, 3, 4, 5]);
    expect(prompt.order).not.toEqual([0, 1, 2, 3, 4, 5]);
    expect(buildJudgePrompt(options).order, 'same seed and key, same order').toEqual(prompt.order);
    expect(buildJudgePrompt({ ...options, shuffleKey: 'other' }).order).not.toEqual(prompt.order);
    const user = prompt.messages[1].content;
    prompt.order.forEach((index, position) => {
      expect(user).toContain(
        `<conversation id="t${position + 1}">\nuser: question ${index}\n</conversation>`,
      );
    });
  });

  it('states the rubric, the JSON answer format, and a shared system prompt once', () => {
    const prompt = buildJudgePrompt(options);
    expect(prompt.messages[0]).toMatchObject({
      role: 'system',
      content: expect.stringContaining('"scores"'),
    });
    const user = prompt.messages[1].content;
    expect(user.startsWith('Rubric:\nBe right.')).toBe(true);
    expect(user.match(/Policy\./g)).toHaveLength(1);
    const mixed = [...trajectories.slice(0, 2), trajectoryOf([say.system('Other policy.'), say.user('q')])];
    const separate = buildJudgePrompt({ ...options, trajectories: mixed }).messages[1].content;
    expect(separate.match(/system: /g)).toHaveLength(3);
  });
});
