import { describe, expect, it } from 'vitest';
import { ByteTokenizer } from '../models/tokenizers/byte-tokenizer.js';
import { ByteChatRenderer } from './byte-chat-renderer.js';
import type { AssistantMessage, Message } from './messages.js';
import { tokenizeConversation } from './tokenize-conversation.js';
import { TokenTranscript } from './token-transcript.js';

const tokenizer = new ByteTokenizer();
const renderer = new ByteChatRenderer({ tokenizer });
const END = tokenizer.endOfTurnTokenId as number;
const OPENING: Message[] = [
  { role: 'system', content: 'S' },
  { role: 'user', content: 'hi' },
];

describe('TokenTranscript', () => {
  it('appends only what each turn adds, and keeps sampled tokens as they were', () => {
    const transcript = new TokenTranscript({ renderer });
    const first = transcript.prepareTurn(OPENING);
    expect(first.context).toEqual([
      ...renderer.renderMessages({ history: [], added: OPENING }),
      ...renderer.renderAssistantOpener({ history: OPENING }),
    ]);
    // A completion whose bytes differ from the rendering of its message (trailing spaces are kept).
    const sampled = [...tokenizer.encode('yo  '), END];
    const reply: AssistantMessage = { role: 'assistant', content: 'yo  ' };
    transcript.commitTurn(first, sampled, reply);
    const next: Message[] = [...OPENING, reply, { role: 'user', content: 'bye' }];
    const second = transcript.prepareTurn(next);
    expect(second.context.slice(0, transcript.tokens.length)).toEqual(transcript.tokens);
    expect(tokenizer.decode(second.prompt)).toBe('<|user|>bye<|end|><|assistant|>');
    expect(transcript.messages).toEqual([...OPENING, reply]);
  });

  it('closes a completion that hit the length limit with the stop token', () => {
    const transcript = new TokenTranscript({ renderer });
    const first = transcript.prepareTurn(OPENING);
    transcript.commitTurn(first, tokenizer.encode('cut'), { role: 'assistant', content: 'cut' });
    const second = transcript.prepareTurn([...transcript.messages, { role: 'user', content: 'x' }]);
    expect(second.prompt[0]).toBe(END);
  });

  it('tells whether messages continue it, and refuses those that do not', () => {
    const transcript = new TokenTranscript({ renderer });
    const first = transcript.prepareTurn(OPENING);
    const reply: AssistantMessage = { role: 'assistant', content: 'a' };
    transcript.commitTurn(first, [...tokenizer.encode('a'), END], reply);
    expect(transcript.continues([...OPENING, { ...reply }])).toBe(true);
    expect(transcript.continues([...OPENING, { ...reply, toolCalls: undefined }])).toBe(true);
    expect(transcript.continues([OPENING[0], { role: 'user', content: 'changed' }, reply])).toBe(false);
    expect(transcript.continues(OPENING)).toBe(false);
    expect(transcript.continues([...OPENING, reply], [{ name: 't', description: '', parameters: {} }])).toBe(
      false,
    );
    expect(() => transcript.prepareTurn(OPENING)).toThrow(
      expect.objectContaining({ code: 'invalid_argument' }),
    );
  });

  it('refuses to commit a turn prepared before another was committed', () => {
    const transcript = new TokenTranscript({ renderer });
    const stale = transcript.prepareTurn(OPENING);
    transcript.commitTurn(transcript.prepareTurn(OPENING), [END], { role: 'assistant', content: '' });
    expect(() => transcript.commitTurn(stale, [END], { role: 'assistant', content: '' })).toThrow(
      /changed since this turn was prepared/,
    );
  });
});

describe('tokenizeConversation', () => {
  it('renders demonstrations as the stream a policy would have sampled, masking the replies', () => {
    const reply: AssistantMessage = { role: 'assistant', content: 'ok' };
    const messages: Message[] = [...OPENING, reply, { role: 'user', content: 'more' }, { ...reply }];
    const sequence = tokenizeConversation({ renderer, messages });
    expect(tokenizer.decode(sequence.tokens)).toBe(renderer.renderText({ messages }));
    const masked = sequence.tokens.filter((_, i) => sequence.mask[i] === 1);
    expect(tokenizer.decode(masked)).toBe('ok<|end|>ok<|end|>');
    expect(sequence.turnIndex.at(0)).toBe(0);
    expect(sequence.turnIndex.at(-1)).toBe(1);
    expect(sequence.logprobs.every((lp) => lp === 0)).toBe(true);
  });
});
