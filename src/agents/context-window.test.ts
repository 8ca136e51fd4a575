import { describe, expect, it } from 'vitest';
import { ByteChatRenderer } from '../conversation/byte-chat-renderer.js';
import type { Message } from '../conversation/messages.js';
import { ByteTokenizer } from '../models/tokenizers/byte-tokenizer.js';
import { conversationChars, fitContextWindow, rendererTokenCounter } from './context-window.js';
import { composeSystemPrompt } from './system-prompt.js';

const CONVERSATION: Message[] = [
  { role: 'system', content: 'SYS' },
  { role: 'user', content: 'u1' },
  { role: 'assistant', content: '', toolCalls: [{ id: 'c', name: 'get', arguments: { id: 1 } }] },
  { role: 'tool', toolCallId: 'c', name: 'get', content: 'r1' },
  { role: 'assistant', content: 'a1' },
  { role: 'user', content: 'u2' },
  { role: 'assistant', content: 'a2' },
  { role: 'user', content: 'u3' },
];

describe('fitContextWindow', () => {
  it('keeps everything that fits', () => {
    expect(fitContextWindow(CONVERSATION, { maxChars: 1000 })).toEqual({
      messages: CONVERSATION,
      dropped: 0,
      fits: true,
    });
  });

  it('drops whole turns from the oldest, never splitting a tool call from its result', () => {
    // chars: SYS 3, turn 1 = 2 + (3 + 8) + 2 + 2 = 17, turn 2 = 4, turn 3 = 2
    expect(conversationChars(CONVERSATION)).toBe(26);
    const fitted = fitContextWindow(CONVERSATION, { maxChars: 10 });
    expect(fitted.messages).toEqual([CONVERSATION[0], ...CONVERSATION.slice(5)]);
    expect(fitted).toMatchObject({ dropped: 4, fits: true });
    expect(fitContextWindow(CONVERSATION, { maxChars: 5 })).toMatchObject({
      messages: [CONVERSATION[0], CONVERSATION[7]],
      dropped: 6,
      fits: true,
    });
  });

  it('keeps the system messages and the latest turn even when they do not fit', () => {
    expect(fitContextWindow(CONVERSATION, { maxChars: 1 })).toMatchObject({
      messages: [CONVERSATION[0], CONVERSATION[7]],
      fits: false,
    });
  });

  it('counts tokens with a renderer', () => {
    const renderer = new ByteChatRenderer({ tokenizer: new ByteTokenizer() });
    const count = rendererTokenCounter(renderer);
    expect(count([{ role: 'user', content: 'abc' }])).toBe(1 + 3 + 1 + 1);
    const whole = count(CONVERSATION);
    const fitted = fitContextWindow(CONVERSATION, { maxTokens: whole - 1, countTokens: count });
    expect(fitted.dropped).toBe(4);
    expect(count(fitted.messages)).toBeLessThanOrEqual(whole - 1);
  });

  it('rejects maxTokens without a counter, and negative budgets', () => {
    expect(() => fitContextWindow(CONVERSATION, { maxTokens: 5 })).toThrow(/needs contextWindow.countTokens/);
    expect(() => fitContextWindow(CONVERSATION, { maxChars: -1 })).toThrow(
      expect.objectContaining({ code: 'invalid_argument' }),
    );
  });
});

describe('composeSystemPrompt', () => {
  it('joins the agent prompt, the conversation system message and a suffix', () => {
    expect(composeSystemPrompt(CONVERSATION, { before: 'A', after: 'T' })[0]).toEqual({
      role: 'system',
      content: 'A\n\nSYS\n\nT',
    });
    const noSystem = CONVERSATION.slice(1);
    expect(composeSystemPrompt(noSystem, { before: 'A' })).toEqual([
      { role: 'system', content: 'A' },
      ...noSystem,
    ]);
    expect(composeSystemPrompt(CONVERSATION, {})).toBe(CONVERSATION);
  });
});
