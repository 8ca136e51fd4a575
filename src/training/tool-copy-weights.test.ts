import { describe, expect, it } from 'vitest';
import { ByteChatRenderer } from '../conversation/byte-chat-renderer.js';
import type { Message } from '../conversation/messages.js';
import { tokenizeConversation } from '../conversation/tokenize-conversation.js';
import { ByteTokenizer } from '../models/tokenizers/byte-tokenizer.js';
import { tokenTexts, toolCopiedTokens, weighToolCopies } from './tool-copy-weights.js';

const tokenizer = new ByteTokenizer();
const RESULT =
  'order #W8061371 | status: cancelled | items: Backpack, Makeup Kit | address: 134 Cedar Avenue, Phoenix';

/** The text of the tokens `toolCopiedTokens` marks, upper-cased inside `text` (prompt, then answer). */
function marked(prompt: string, answer: string, sources: readonly string[], minChars?: number): string {
  const tokens = [...tokenizer.encode(prompt), ...tokenizer.encode(answer)];
  const mask = tokens.map((_, index) => (index < prompt.length ? 0 : 1));
  const indices = new Set(toolCopiedTokens({ tokens, mask, tokenizer, sources, minChars }));
  return tokens
    .map((token, index) => {
      const char = tokenizer.decode([token]);
      return indices.has(index) ? char.toUpperCase() : char;
    })
    .join('');
}

describe('toolCopiedTokens', () => {
  it('marks the facts an answer repeats from a tool result, not its phrasing', () => {
    expect(marked('', 'Order #W8061371 ships to 134 Cedar Avenue, Phoenix.', [RESULT])).toBe(
      'ORDER #W8061371 ships to 134 CEDAR AVENUE, PHOENIX.',
    );
    expect(marked('', 'Order #W8061371 is cancelled.', [RESULT])).toBe('ORDER #W8061371 is CANCELLED.');
  });

  it('marks only trained tokens: the same text in the prompt is not a copy', () => {
    expect(marked('134 Cedar Avenue ', 'ok', [RESULT])).toBe('134 Cedar Avenue ok');
  });

  it('needs minChars in a row: a shorter match is phrasing', () => {
    // "s, " and " is " occur in the result; neither is a fact.
    expect(marked('', 'yes, it is', [RESULT])).toBe('yes, it is');
    expect(marked('', 'Cedar', [RESULT], 6)).toBe('Cedar');
    expect(marked('', 'Cedar', [RESULT], 5)).toBe('CEDAR');
  });

  it('takes the longest match at each position, across several sources', () => {
    expect(marked('', 'Backpack and Gaming Mouse', [RESULT, 'items: Gaming Mouse'])).toBe(
      'BACKPACK and GAMING MOUSE',
    );
  });

  it('finds nothing without sources', () => {
    expect(marked('', 'Order #W8061371 is cancelled.', [])).toBe('Order #W8061371 is cancelled.');
  });
});

describe('weighToolCopies', () => {
  const messages: Message[] = [
    { role: 'user', content: 'What is the status of order #W8061371?' },
    {
      role: 'assistant',
      content: '',
      toolCalls: [{ id: 'call_0', name: 'get_order_details', arguments: { order_id: '#W8061371' } }],
    },
    { role: 'tool', toolCallId: 'call_0', name: 'get_order_details', content: RESULT },
    { role: 'assistant', content: 'Order #W8061371 is cancelled.' },
  ];
  const sequence = tokenizeConversation({ renderer: new ByteChatRenderer({ tokenizer }), messages });

  it('multiplies the mask of the copied answer tokens by the weight and leaves the rest', () => {
    const weighted = weighToolCopies(sequence, messages, tokenizer, 10);
    // Byte tokens: one per character of the answer, after the last special token.
    const { text, starts } = tokenTexts(sequence.tokens, tokenizer);
    const answer = starts.indexOf(text.lastIndexOf('Order #W8061371 is cancelled.'));
    const weightAt = (offset: number) => weighted.mask[answer + offset];
    expect(weightAt(0)).toBe(1); // "O": "Order" is not in the result, "rder #W8061371 " is
    expect(weightAt(6)).toBe(10); // "#"
    expect(weightAt(16)).toBe(1); // "i" of "is"
    expect(weightAt(19)).toBe(10); // "c" of "cancelled"
    // Prompt tokens stay untrained, and nothing else changes.
    weighted.mask.forEach((weight, index) => {
      if (sequence.mask[index] === 0) expect(weight).toBe(0);
      else expect([1, 10]).toContain(weight);
    });
    expect(weighted.tokens).toEqual(sequence.tokens);
  });

  it('leaves the text before the first tool result alone: the lookup cannot copy from it', () => {
    // The lookup's arguments repeat the id and the key "order_id" that the result also contains.
    const { text, starts } = tokenTexts(sequence.tokens, tokenizer);
    const lookup = text.indexOf('#W8061371', text.indexOf('order_id'));
    expect(lookup).toBeGreaterThan(0);
    expect(lookup).toBeLessThan(text.indexOf(RESULT));
    expect(sequence.mask[starts.indexOf(lookup)]).toBe(1);
    const weighted = weighToolCopies(sequence, messages, tokenizer, 10);
    const beforeResult = starts.filter((start) => start < text.indexOf(RESULT)).length;
    expect(weighted.mask.slice(0, beforeResult)).toEqual(sequence.mask.slice(0, beforeResult));
  });

  it('returns the sequence itself at weight 1', () => {
    expect(weighToolCopies(sequence, messages, tokenizer, 1)).toBe(sequence);
  });
});
