import { describe, expect, it } from 'vitest';
import type { Message } from '../../conversation/messages.js';
import { Rng } from '../../engine/random.js';
import { idFragment, ORDER_ID_PATTERN } from './id-fragments.js';

const ID = '#W1234567';
const OTHER = '#W7654321';
const conversation: Message[] = [
  { role: 'system', content: 'policy' },
  { role: 'user', content: `What is the status of order ${ID}?` },
  {
    role: 'assistant',
    content: '',
    toolCalls: [{ id: 'call_1', name: 'get_order_details', arguments: { order_id: ID } }],
  },
  { role: 'tool', toolCallId: 'call_1', name: 'get_order_details', content: `order ${ID} | status: pending` },
  { role: 'assistant', content: `Order ${ID} is pending, not ${OTHER}.` },
];

describe('idFragment', () => {
  it('drops the system prompt and replaces each id consistently everywhere', () => {
    const fragment = idFragment({ messages: conversation, rng: new Rng(1), exclude: new Set() });
    expect(fragment.map((message) => message.role)).toEqual(['user', 'assistant', 'tool', 'assistant']);
    const text = JSON.stringify(fragment);
    expect(text).not.toContain(ID);
    expect(text).not.toContain(OTHER);
    const ids = [...text.matchAll(ORDER_ID_PATTERN)].map((match) => match[0]);
    expect(ids).toHaveLength(5);
    expect(new Set(ids).size).toBe(2); // the two originals map to two fresh ids
    const fresh = ids[0];
    const call = fragment[1].role === 'assistant' ? fragment[1].toolCalls?.[0] : undefined;
    expect(call?.arguments.order_id).toBe(fresh);
    expect(fragment[2].content).toBe(`order ${fresh} | status: pending`);
    expect(fragment[3].content.startsWith(`Order ${fresh} is pending, not #W`)).toBe(true);
  });

  it('is deterministic in the rng, differs across draws, and never draws an excluded id', () => {
    const draw = (seed: number, exclude = new Set<string>()) =>
      JSON.stringify(idFragment({ messages: conversation, rng: new Rng(seed), exclude }));
    expect(draw(3)).toBe(draw(3));
    expect(draw(3)).not.toBe(draw(4));
    const first = [...draw(3).matchAll(ORDER_ID_PATTERN)][0][0];
    const excluded = draw(3, new Set([first]));
    expect(excluded).not.toContain(first);
  });
});
