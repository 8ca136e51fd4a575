import { describe, expect, it } from 'vitest';
import { ByteTokenizer } from '../models/tokenizers/byte-tokenizer.js';
import { ByteChatRenderer, toolResultHeader } from './byte-chat-renderer.js';
import type { AssistantMessage, Message } from './messages.js';

const tokenizer = new ByteTokenizer();
const renderer = new ByteChatRenderer({ tokenizer });
const id = (token: string) => tokenizer.specialTokens.get(token) as number;
const CALL: AssistantMessage = {
  role: 'assistant',
  content: 'Checking.',
  toolCalls: [{ id: 'call_0_0', name: 'get_order', arguments: { order_id: 'A1' } }],
};

describe('ByteChatRenderer', () => {
  it('renders each message as <|role|>body<|end|> with special ids only for the markers', () => {
    const ids = renderer.renderMessages({
      history: [],
      added: [
        { role: 'system', content: 'S' },
        { role: 'user', content: 'U<|end|>' },
      ],
    });
    expect(ids).toEqual([
      id('<|system|>'),
      ...tokenizer.encode('S'),
      id('<|end|>'),
      id('<|user|>'),
      ...tokenizer.encode('U<|end|>'),
      id('<|end|>'),
    ]);
    expect(ids.filter((token) => token === id('<|end|>'))).toHaveLength(2);
  });

  it('renders tool calls as blocks and tool results with the tool name and call id', () => {
    const result: Message = { role: 'tool', toolCallId: 'call_0_0', name: 'get_order', content: 'shipped' };
    const failed: Message = { ...result, content: 'no such order', isError: true };
    const text = renderer.renderText({ messages: [CALL, result, failed] });
    expect(text).toBe(
      '<|assistant|>Checking.\n<tool_call>\n{"name": "get_order", "arguments": {"order_id": "A1"}}\n</tool_call><|end|>' +
        '<|tool|>get_order [call_0_0]\nshipped<|end|><|tool|>get_order [call_0_0] error\nno such order<|end|>',
    );
    expect(toolResultHeader({ name: 't', toolCallId: 'c' })).toBe('t [c]');
  });

  it('opens an assistant turn with <|assistant|> and stops on <|end|>', () => {
    expect(renderer.renderAssistantOpener({ history: [] })).toEqual([id('<|assistant|>')]);
    expect(renderer.stopTokenIds).toEqual([id('<|end|>')]);
    expect(
      renderer.renderText({ messages: [{ role: 'user', content: 'hi' }], addGenerationPrompt: true }),
    ).toBe('<|user|>hi<|end|><|assistant|>');
  });

  it('parses the completion it renders back to the message', () => {
    const completion = renderer.renderCompletion({ history: [], message: CALL });
    expect(completion.at(-1)).toBe(id('<|end|>'));
    const parsed = renderer.parseCompletion(completion, { toolCallIdPrefix: 'call_0_' });
    expect(parsed.message).toEqual(CALL);
    expect(parsed.stopped).toBe(true);
    expect(parsed.parseFailures).toEqual([]);
  });

  it('reports malformed tool calls and a completion cut by the length limit', () => {
    const parsed = renderer.parseCompletion(tokenizer.encode('Hi <tool_call>{oops</tool_call>'));
    expect(parsed.stopped).toBe(false);
    expect(parsed.parseFailures).toEqual([
      { raw: '<tool_call>{oops</tool_call>', reason: expect.stringMatching(/invalid JSON/) },
    ]);
    expect(parsed.message).toEqual({ role: 'assistant', content: 'Hi <tool_call>{oops</tool_call>' });
  });

  it('rejects native tools and tokenizers without the chat tokens', () => {
    const tools = [{ name: 't', description: 'd', parameters: {} }];
    expect(() => renderer.renderAssistantOpener({ history: [], tools })).toThrow(
      expect.objectContaining({ code: 'invalid_argument' }),
    );
    const noTool = new ByteTokenizer({
      specialTokens: ['<|system|>', '<|user|>', '<|assistant|>', '<|end|>'],
    });
    expect(() => new ByteChatRenderer({ tokenizer: noTool })).toThrow(
      expect.objectContaining({ code: 'invalid_tokenizer', message: expect.stringContaining('<|tool|>') }),
    );
    const noEnd = new ByteTokenizer({
      specialTokens: ['<|system|>', '<|user|>', '<|assistant|>', '<|tool|>'],
    });
    expect(() => new ByteChatRenderer({ tokenizer: noEnd })).toThrow(
      expect.objectContaining({ code: 'invalid_tokenizer' }),
    );
  });
});
