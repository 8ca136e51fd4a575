import { describe, expect, it } from 'vitest';
import { ByteChatRenderer } from '../../conversation/byte-chat-renderer.js';
import type { Message } from '../../conversation/messages.js';
import type { ToolDefinition } from '../../conversation/tool-definition.js';
import { LanguageModel } from '../../models/language-model.js';
import { ByteTokenizer } from '../../models/tokenizers/byte-tokenizer.js';
import { tinyModelConfig } from '../../testing/index.js';
import { createPolicyAgent } from '../../training/policy-agent.js';
import { renderLocalPrompt } from './local-prompt.js';

const tokenizer = new ByteTokenizer();
const renderer = new ByteChatRenderer({ tokenizer });
const TOOLS: ToolDefinition[] = [
  {
    name: 'get_order',
    description: 'Look up an order.',
    parameters: { type: 'object', properties: { order_id: { type: 'string' } } },
  },
];
const CONVERSATION: Message[] = [
  { role: 'system', content: 'You help customers.' },
  { role: 'user', content: 'Where is my order A1?' },
  {
    role: 'assistant',
    content: '',
    toolCalls: [{ id: 'call_0_0', name: 'get_order', arguments: { order_id: 'A1' } }],
  },
  { role: 'tool', toolCallId: 'call_0_0', name: 'get_order', content: '{"status": "shipped"}' },
  { role: 'assistant', content: 'It has shipped.' },
  { role: 'user', content: 'Thanks! And B2?' },
];

/** The messages the training agent's policy sees for `messages` (what `train` and `sft` render). */
function trainingPrompt(messages: readonly Message[], contextLength: number, maxNewTokens: number) {
  const model = new LanguageModel({
    config: tinyModelConfig({ vocabSize: tokenizer.vocabSize, contextLength }),
  });
  const agent = createPolicyAgent({
    backend: model,
    renderer,
    tools: TOOLS,
    contextLength,
    maxNewTokens,
    temperature: 0,
    seed: 0,
    toolPrompt: 'compact',
  });
  return agent.promptMessages(messages);
}

describe('renderLocalPrompt', () => {
  it("renders what the training agent's policy sees: compact tools in the system prompt", () => {
    const prompt = renderLocalPrompt({
      renderer,
      messages: CONVERSATION,
      tools: TOOLS,
      toolPrompt: 'compact',
      contextLength: 1024,
      maxTokens: 64,
    });
    expect(prompt.messages).toEqual(trainingPrompt(CONVERSATION, 1024, 64));
    expect(prompt.messages[0].content).toContain('get_order(order_id): Look up an order.');
    expect(prompt.tokens).toEqual([
      ...renderer.renderMessages({ history: [], added: prompt.messages }),
      ...renderer.renderAssistantOpener({ history: prompt.messages }),
    ]);
    expect(prompt.maxNewTokens).toBe(64);
  });

  it('describes tools in the Hermes wording when asked, and adds nothing without tools', () => {
    const hermes = renderLocalPrompt({
      renderer,
      messages: CONVERSATION,
      tools: TOOLS,
      toolPrompt: 'hermes',
      contextLength: 4096,
      maxTokens: 64,
    });
    expect(hermes.messages[0].content).toContain('<tools>');
    const none = renderLocalPrompt({
      renderer,
      messages: CONVERSATION,
      tools: [],
      toolPrompt: 'compact',
      contextLength: 4096,
      maxTokens: 64,
    });
    expect(none.messages).toEqual(CONVERSATION);
  });

  it('drops the oldest turns as training does, and caps the reply at what the context leaves', () => {
    const contextLength = 260;
    const prompt = renderLocalPrompt({
      renderer,
      messages: CONVERSATION,
      tools: TOOLS,
      toolPrompt: 'compact',
      contextLength,
      maxTokens: 500,
    });
    expect(prompt.messages).toEqual(trainingPrompt(CONVERSATION, contextLength, 130));
    expect(prompt.messages.map((message) => message.role)).toEqual(['system', 'user']);
    expect(prompt.maxNewTokens).toBe(contextLength - prompt.tokens.length);
  });

  it('fails with sequence_too_long when the latest turn alone fills the context', () => {
    expect(() =>
      renderLocalPrompt({
        renderer,
        messages: CONVERSATION,
        tools: TOOLS,
        toolPrompt: 'compact',
        contextLength: 64,
        maxTokens: 16,
      }),
    ).toThrow(expect.objectContaining({ code: 'sequence_too_long' }));
  });
});
