import { describe, expect, it } from 'vitest';
import { ByteChatRenderer } from '../../conversation/byte-chat-renderer.js';
import { ByteTokenizer } from '../../models/tokenizers/byte-tokenizer.js';
import { firstStopIndex, readLocalCompletion, tokenLogprob, type SampledTurn } from './local-completion.js';

const tokenizer = new ByteTokenizer();
const renderer = new ByteChatRenderer({ tokenizer });
const END = renderer.stopTokenIds[0];

/** A turn whose completion is `text` (plus the end token when `ended`), with made-up logprobs. */
function turn(text: string, options: Partial<SampledTurn> & { ended?: boolean } = {}): SampledTurn {
  const completion = [...tokenizer.encode(text), ...(options.ended === false ? [] : [END])];
  return {
    tokenizer,
    stopTokenIds: renderer.stopTokenIds,
    prompt: [1, 2, 3],
    completion,
    logprobs: completion.map((_, i) => -0.1 * (i + 1)),
    sampledFinish: options.ended === false ? 'length' : 'stop',
    stop: [],
    toolCallIdPrefix: 'call_0_',
    includeLogprobs: false,
    ...options,
  };
}

describe('readLocalCompletion', () => {
  it('reads plain text, without the end token, with usage and the token record', () => {
    const sampled = turn('Your order has shipped.');
    const completion = readLocalCompletion(sampled);
    expect(completion.message).toEqual({ role: 'assistant', content: 'Your order has shipped.' });
    expect(completion.finishReason).toBe('stop');
    expect(completion.usage).toEqual({ promptTokens: 3, completionTokens: sampled.completion.length });
    expect(completion.logprobs).toBeUndefined();
    expect(completion.tokens).toEqual({
      prompt: [1, 2, 3],
      completion: sampled.completion,
      logprobs: sampled.logprobs,
      newSequence: true,
    });
  });

  it('parses a tool call the model wrote, with the training policy ids, and finishes with tool_calls', () => {
    const text =
      'Let me look.\n<tool_call>\n{"name": "get_order", "arguments": {"order_id": "A1"}}\n</tool_call>';
    const completion = readLocalCompletion(turn(text, { toolCallIdPrefix: 'call_2_' }));
    expect(completion.message).toEqual({
      role: 'assistant',
      content: 'Let me look.',
      toolCalls: [{ id: 'call_2_0', name: 'get_order', arguments: { order_id: 'A1' } }],
    });
    expect(completion.finishReason).toBe('tool_calls');
  });

  it('leaves a malformed tool call in the content', () => {
    const completion = readLocalCompletion(turn('<tool_call>\nnot json\n</tool_call>'));
    expect(completion.message.toolCalls).toBeUndefined();
    expect(completion.message.content).toBe('<tool_call>\nnot json\n</tool_call>');
    expect(completion.finishReason).toBe('stop');
  });

  it('cuts the text before the first stop string but keeps every sampled token in the record', () => {
    const sampled = turn('Done. ###', { stop: ['##', 'never'], ended: false, sampledFinish: 'stop' });
    const completion = readLocalCompletion(sampled);
    expect(completion.message.content).toBe('Done. ');
    expect(completion.finishReason).toBe('stop');
    expect(completion.tokens?.completion).toEqual(sampled.completion);
  });

  it('reports length when the token limit ended the turn', () => {
    expect(readLocalCompletion(turn('Your ord', { ended: false })).finishReason).toBe('length');
  });

  it('reports one logprob per sampled token when asked, with its bytes', () => {
    const sampled = turn('né', { includeLogprobs: true });
    const completion = readLocalCompletion(sampled);
    expect(completion.logprobs).toHaveLength(sampled.completion.length);
    expect(completion.logprobs?.map((entry) => entry.logprob)).toEqual(sampled.logprobs);
    expect(completion.logprobs?.flatMap((entry) => entry.bytes).slice(0, 3)).toEqual([
      ...new TextEncoder().encode('né'),
    ]);
    expect(completion.logprobs?.[0].token).toBe('n');
    expect(completion.logprobs?.[3]).toEqual({
      token: '<|end|>',
      logprob: sampled.logprobs[3],
      bytes: [...new TextEncoder().encode('<|end|>')],
    });
  });
});

describe('firstStopIndex and tokenLogprob', () => {
  it('finds the earliest stop string and ignores empty ones', () => {
    expect(firstStopIndex('a b c', ['c', 'b'])).toBe(2);
    expect(firstStopIndex('a b c', ['', 'z'])).toBeUndefined();
  });

  it('gives a lone byte of a longer character its replacement text and its one byte', () => {
    expect(tokenLogprob(tokenizer, 0xc3, -1)).toEqual({ token: '\uFFFD', logprob: -1, bytes: [0xc3] });
  });
});
